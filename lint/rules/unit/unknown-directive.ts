// Keys systemd does not know in a section. systemd logs "Unknown key 'X' in section [Y], ignoring."
// and the setting has no effect: a typo in ProtectSystem= silently leaves the service unprotected.
// The table of known keys is generated from `systemd --dump-configuration-items`.
import { DIRECTIVES_SYSTEMD_VERSION, isKnownDirective, keysOf, sectionsFor, sectionsWithKey, suggest } from '../../directives.ts';
import { isRemoved } from '../../data/deprecated.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

/** What the generator does about it: [Install] is read by enablement only, never by PID 1; any
 * other unknown key it cannot classify, so it refuses the package (fail closed, docs/profiles.md). */
export function refusalOf(section: string): string {
  return section === 'Install' ? '' : ', and the generator skips the package under every profile but trusted';
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/unknown-directive',
    severity: 'error',
    description: 'Keys systemd does not know in the section (typos, keys in the wrong section)',
    messages: {
      unknown: 'Unknown key {{key}}= in section [{{section}}]; systemd ignores it{{refusal}}',
    },
    hint: '{{help}}',
    docs:
      `Checked against the keys systemd ${DIRECTIVES_SYSTEMD_VERSION} accepts (lint/data/directives.json). Keys starting with X- are left alone. ` +
      'Outside [Install] the generator fails closed: it cannot tell what an unknown key makes PID 1 do, so it skips the package under every profile but `trusted` (docs/profiles.md).',
  },
  check(ctx) {
    const allowed = sectionsFor(ctx.unit.type);
    if (!allowed) return;
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      if (!allowed.includes(section)) continue; // unit/unknown-section reports the section
      const key = entry.key;
      if (key.startsWith('X-') || isKnownDirective(section, key) || isRemoved(section, key)) continue;
      let help: string;
      const elsewhere = sectionsWithKey(key, allowed).filter((s) => s !== section);
      const close = suggest(key, keysOf(section));
      if (elsewhere.length > 0) help = `${key}= belongs in [${elsewhere[0]}]; move it there.`;
      else if (close) help = `Did you mean ${close}=?`;
      else {
        const other = sectionsWithKey(key);
        help =
          other.length > 0
            ? `${key}= is a setting of [${other.join('], [')}], which a .${ctx.unit.type} unit does not read.`
            : `systemd ${DIRECTIVES_SYSTEMD_VERSION} has no such setting; check the spelling in systemd.directives(7), ` +
              `or prefix your own keys with X-.`;
      }
      // A continued assignment spans lines; systemd names its last line, so the range ends there.
      const key0 = ctx.keyRange(entry);
      const range =
        entry.range && entry.range.endLine > key0.line ? { ...key0, endLine: entry.range.endLine, endColumn: entry.range.endColumn } : key0;
      ctx.report({ messageId: 'unknown', data: { key, section, help, refusal: refusalOf(section) }, range });
    }
  },
};
