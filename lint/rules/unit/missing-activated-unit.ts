// A timer, socket or path unit activates another unit (its Unit=/Service=, else the unit of the
// same name). When that unit is not there, the trigger fires into nothing.
import type { UnitRule } from '../../types.ts';
import { effectiveValue, parseBool } from '../helpers.ts';

/** `a@x.timer` → `a@x.service`, also satisfied by the template `a@.service`. */
function candidates(name: string): string[] {
  const out = [name];
  const at = name.indexOf('@');
  if (at >= 0) {
    const dot = name.lastIndexOf('.');
    out.push(`${name.slice(0, at + 1)}${name.slice(dot)}`);
  }
  return out;
}

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'unit/missing-activated-unit',
    severity: 'error',
    description: 'Timers, sockets and path units whose unit to activate does not exist',
    messages: { missing: '{{unit}} activates {{target}}, which is not in the {{where}}' },
    hint: 'Ship {{target}} next to {{unit}}, or name the unit to activate with {{key}}=.',
  },
  check(ctx) {
    const { unit } = ctx;
    if (unit.type !== 'timer' && unit.type !== 'socket' && unit.type !== 'path') return;
    const base = unit.name.slice(0, unit.name.lastIndexOf('.'));
    let target: string;
    let key: string;
    let range;
    if (unit.type === 'socket') {
      key = 'Service';
      const explicit = effectiveValue(ctx, 'Socket', 'Service');
      const accept = parseBool(effectiveValue(ctx, 'Socket', 'Accept')?.entry.value ?? 'no') === true;
      target = explicit?.entry.value || (accept ? `${base}@.service` : `${base}.service`);
      range = explicit ? ctx.valueRange(explicit.entry) : undefined;
    } else {
      key = 'Unit';
      const section = unit.type === 'timer' ? 'Timer' : 'Path';
      const explicit = effectiveValue(ctx, section, 'Unit');
      target = explicit?.entry.value || `${base}.service`;
      range = explicit ? ctx.valueRange(explicit.entry) : undefined;
    }
    if (target.includes('%')) return;
    if (candidates(target).some((c) => ctx.availableUnits.has(c))) return;
    ctx.report({
      messageId: 'missing',
      data: { unit: unit.name, target, key, where: ctx.pkg ? 'package' : 'same directory' },
      range: range ?? ctx.unit.parsed.sections[0]?.header.range,
    });
  },
};
