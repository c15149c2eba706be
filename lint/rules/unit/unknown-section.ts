// Sections systemd does not read for this unit type. systemd logs "Unknown section 'X'. Ignoring."
// and drops every setting in it. Sections starting with X- are for other tools and are ignored
// on purpose.
import { sectionsFor, suggest, UNIT_TYPES } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/unknown-section',
    severity: 'error',
    description: 'Sections systemd does not read for the unit type',
    messages: {
      unknown:
        'Unknown section [{{section}}] in a .{{type}} unit; systemd ignores it and all its settings, and the generator skips the package under every profile but trusted',
      otherType:
        'Section [{{section}}] belongs in a .{{owner}} unit, not a .{{type}} unit; systemd ignores it here, and the generator skips the package under every profile but trusted',
    },
    hint: {
      unknown: 'A .{{type}} unit reads {{allowed}}{{suggestion}}. Prefix sections for other tools with X-.',
      otherType: 'Move these settings into a separate {{owner}} unit (for example {{example}}).',
    },
  },
  check(ctx) {
    const allowed = sectionsFor(ctx.unit.type);
    if (!allowed) return;
    for (const section of ctx.unit.parsed.sections) {
      const name = section.name;
      if (allowed.includes(name) || name.startsWith('X-')) continue;
      const range = section.header.range;
      const owner = UNIT_TYPES.find((t) => sectionsFor(t)![1] === name);
      if (owner) {
        const base = ctx.unit.name.replace(/\.[a-z]+$/, '');
        ctx.report({ messageId: 'otherType', data: { section: name, type: ctx.unit.type!, owner, example: `${base}.${owner}` }, range });
        continue;
      }
      const close = suggest(name, allowed);
      ctx.report({
        messageId: 'unknown',
        data: {
          section: name,
          type: ctx.unit.type!,
          allowed: allowed.map((s) => `[${s}]`).join(', '),
          suggestion: close ? `; did you mean [${close}]?` : '',
        },
        range,
      });
    }
  },
};
