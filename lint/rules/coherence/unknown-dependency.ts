// Dependencies (Requires=, Wants=, After= ...) on units that neither the package nor a base
// container provides. A missing Wants=/After= unit is silently ignored; a missing Requires= unit
// makes the start fail. Either way the package assumes something about the container.
import { BASE_UNITS, COMPOSABLE_TARGET_UNITS } from '../../data/base-units.ts';
import { stablePath } from '../../../sdk/contract.ts';
import { unitNameFromPath } from '../../../sdk/unit-name.ts';
import { unitTypeOf } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

const DEPENDENCY_KEYS = new Set([
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'PartOf',
  'Upholds',
  'After',
  'Before',
  'OnFailure',
  'OnSuccess',
  'PropagatesReloadTo',
  'ReloadPropagatedFrom',
  'PropagatesStopTo',
  'StopPropagatedFrom',
  'JoinsNamespaceOf',
]);
const STRONG = new Set(['Requires', 'Requisite', 'BindsTo', 'PartOf', 'Upholds']);

function stableMount(name: string): string | undefined {
  try {
    return unitNameFromPath(stablePath(name), '.mount');
  } catch {
    return undefined;
  }
}

function provided(name: string, ctx: Parameters<UnitRule['check']>[0], base: Set<string>): boolean {
  if (ctx.availableUnits.has(name) || base.has(name)) return true;
  const at = name.indexOf('@');
  if (at >= 0 && ctx.availableUnits.has(`${name.slice(0, at + 1)}${name.slice(name.lastIndexOf('.'))}`)) return true;
  const type = unitTypeOf(name);
  // Devices appear at run time; the package's own stable mount is generated.
  if (type === 'device') return true;
  if (ctx.pkg && name === stableMount(ctx.pkg.name)) return true;
  return false;
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/unknown-dependency',
    severity: 'warning',
    description: 'Dependencies on units that neither the package nor a base container provides',
    messages: {
      strong: '{{key}}={{unit}}: no such unit in the {{where}} or a base container; starting this unit will fail without it',
      weak: '{{key}}={{unit}}: no such unit in the {{where}} or a base container; the dependency does nothing without it',
    },
    hint: 'Ship {{unit}} in the package, drop the dependency, or list it in "policy.baseUnits" of composable-lint.json if your containers have it.',
  },
  check(ctx) {
    const base = new Set([...BASE_UNITS, ...COMPOSABLE_TARGET_UNITS, ...(ctx.policy.baseUnits ?? [])]);
    for (const { section, entry } of entriesOf(ctx.unit.parsed, 'Unit')) {
      if (section !== 'Unit' || !DEPENDENCY_KEYS.has(entry.key)) continue;
      for (const name of entry.value.split(/\s+/).filter(Boolean)) {
        if (name.includes('%') || !unitTypeOf(name) || provided(name, ctx, base)) continue;
        ctx.report({
          messageId: STRONG.has(entry.key) ? 'strong' : 'weak',
          data: { key: entry.key, unit: name, where: ctx.pkg ? 'package' : 'same directory' },
          range: ctx.valueRange(entry),
        });
      }
    }
  },
};
