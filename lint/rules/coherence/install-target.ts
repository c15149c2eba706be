// [Install] WantedBy=/RequiredBy= say which target pulls a unit in. The generator enables a
// package's units in the package's composable target whatever they name, so the only targets that
// say what really happens are the composable targets and the ordinary "start at boot" ones
// (multi-user.target, default.target, and timers/sockets/paths.target for those unit types).
// Anything else (sysinit.target, a container service) shows the unit expects to start somewhere
// it will not. A site narrows the list with "policy.allowedTargets".
import { COMPOSABLE_TARGET_UNITS } from '../../data/base-units.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

export const DEFAULT_ALLOWED_TARGETS = [
  ...COMPOSABLE_TARGET_UNITS,
  'multi-user.target',
  'default.target',
  'timers.target',
  'sockets.target',
  'paths.target',
];

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/install-target',
    severity: 'error',
    description: 'WantedBy=/RequiredBy= targets other than the composable targets or the usual boot targets',
    messages: {
      target: '{{key}}={{target}}: packages start in their composable target, not in {{target}}',
      policy: '{{key}}={{target}} is not a target the site policy allows',
    },
    hint: {
      target:
        "The generator enables the unit in the package's composable target (COMPOSABLE_TARGET) whatever " +
        '[Install] says; write WantedBy= with one of {{allowed}}.',
      policy: 'Use one of {{allowed}} (policy.allowedTargets in composable-lint.json).',
    },
  },
  check(ctx) {
    const allowed = ctx.policy.allowedTargets ?? DEFAULT_ALLOWED_TARGETS;
    for (const { entry } of entriesOf(ctx.unit.parsed, 'Install')) {
      if (entry.key !== 'WantedBy' && entry.key !== 'RequiredBy' && entry.key !== 'UpheldBy') continue;
      const targets = entry.value.split(/\s+/).filter(Boolean);
      for (const target of targets) {
        if (target.includes('%') || allowed.includes(target)) continue;
        // Units of the package itself (a package target pulling in its services) are fine.
        if (ctx.availableUnits.has(target) && ctx.pkg) continue;
        ctx.report({
          messageId: ctx.policy.allowedTargets ? 'policy' : 'target',
          data: { key: entry.key, target, allowed: allowed.join(', ') },
          range: ctx.valueRange(entry),
        });
      }
    }
  },
};
