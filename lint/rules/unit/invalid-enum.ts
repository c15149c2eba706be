// Settings that take one word of a fixed set (Type=, Restart=, KillMode=, StandardOutput= ...)
// with a word systemd does not know: "Failed to parse service type, ignoring: bogus".
import { enumFor, type EnumSpec } from '../../data/enums.ts';
import { suggest } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf, parseBool } from '../helpers.ts';

export function enumAccepts(spec: EnumSpec, value: string): boolean {
  if (value === '') return spec.emptyOk === true;
  if (spec.values.includes(value)) return true;
  if (spec.boolean && parseBool(value) !== undefined) return true;
  if (spec.numeric && /^[0-9]+$/.test(value)) {
    const n = Number(value);
    return n >= spec.numeric[0] && n <= spec.numeric[1];
  }
  if (spec.prefixes) {
    for (const p of spec.prefixes) {
      if (!value.startsWith(p)) continue;
      const rest = value.slice(p.length);
      // file:/append:/truncate: need an absolute path (specifiers expand to one); fd: a name.
      return p === 'fd:' ? rest.length > 0 : rest.startsWith('/') || rest.startsWith('%');
    }
  }
  return false;
}

function choices(spec: EnumSpec): string {
  const words = [...spec.values];
  if (spec.boolean) words.unshift('yes', 'no');
  if (spec.prefixes) words.push(...spec.prefixes.map((p) => `${p}${p === 'fd:' ? 'NAME' : '/PATH'}`));
  if (spec.numeric) words.push(`${spec.numeric[0]}..${spec.numeric[1]}`);
  return words.join(', ');
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/invalid-enum',
    severity: 'error',
    description: 'Settings whose value is not one of the words systemd accepts (Type=, Restart=, KillMode= ...)',
    messages: {
      invalid: '{{key}}={{value}} is not a valid value; systemd ignores the line',
      empty: '{{key}}= needs a value; an empty assignment is an error for this setting',
    },
    hint: '{{key}}= takes one of: {{choices}}{{suggestion}}',
  },
  check(ctx) {
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      const spec = enumFor(section, entry.key);
      if (!spec || enumAccepts(spec, entry.value)) continue;
      if (entry.value.includes('%') && !spec.prefixes) continue;
      const close = entry.value ? suggest(entry.value, spec.values) : undefined;
      ctx.report({
        messageId: entry.value === '' ? 'empty' : 'invalid',
        data: { key: entry.key, value: entry.value, choices: choices(spec), suggestion: close ? ` (did you mean ${close}?)` : '' },
        range: entry.value === '' ? ctx.keyRange(entry) : ctx.valueRange(entry),
      });
    }
  },
};
