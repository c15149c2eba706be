// Services without User= or DynamicUser=yes run as root, as do User=root and User=0. A sidecar
// rarely needs that; the agent can also set the user per container ("user" in the metadata).
import type { UnitRule } from '../../types.ts';
import { effectiveValue, parseBool } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'policy/runs-as-root',
    severity: 'warning',
    description: 'Services that run as root: no User=/DynamicUser=, or User=root',
    messages: {
      implicit: 'Service {{unit}} runs as root: it sets neither User= nor DynamicUser=yes',
      explicit: 'Service {{unit}} runs as root (User={{user}})',
    },
    hint: 'Set DynamicUser=yes (with StateDirectory= for its data) or User=NAME; the agent may also set "user" in the metadata.',
  },
  check(ctx) {
    if (ctx.unit.type !== 'service') return;
    if (parseBool(effectiveValue(ctx, 'Service', 'DynamicUser')?.entry.value ?? '') === true) return;
    const user = effectiveValue(ctx, 'Service', 'User');
    const header = ctx.unit.parsed.sections.find((s) => s.name === 'Service')?.header.range;
    if (!user || user.entry.value === '') ctx.report({ messageId: 'implicit', data: { unit: ctx.unit.name }, range: header });
    else if (user.entry.value === 'root' || user.entry.value === '0') {
      ctx.report({
        messageId: 'explicit',
        data: { unit: ctx.unit.name, user: user.entry.value },
        range: user.unit === ctx.unit ? ctx.valueRange(user.entry) : header,
        file: user.unit.file,
      });
    }
  },
};
