// Which sections and keys systemd accepts, from lint/data/directives.json (generated from
// `systemd --dump-configuration-items` by scripts/gen-directives.mjs).
import table from './data/directives.json' with { type: 'json' };
import { REMOVED_DIRECTIVES } from './data/deprecated.ts';

interface DirectiveTable {
  systemd: { version: number; full: string };
  unitTypes: Record<string, string[]>;
  sections: Record<string, Record<string, string>>;
}

const data = table as unknown as DirectiveTable;

export const DIRECTIVES_SYSTEMD_VERSION = data.systemd.version;
export const DIRECTIVES_SYSTEMD_FULL = data.systemd.full;
export const UNIT_TYPES: readonly string[] = Object.keys(data.unitTypes);

/** Unit type from a unit or drop-in name (`a.service` → service, `a@.timer` → timer). */
export function unitTypeOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const suffix = name.slice(dot + 1);
  return suffix in data.unitTypes ? suffix : undefined;
}

/** Sections systemd reads for a unit type; undefined when the type is unknown. */
export function sectionsFor(type: string | undefined): readonly string[] | undefined {
  return type ? data.unitTypes[type] : undefined;
}

/** The value kind systemd prints for `section.key` (BOOLEAN, SECONDS, OTHER ...), or undefined. */
export function directiveKind(section: string, key: string): string | undefined {
  return data.sections[section]?.[key];
}

export function isKnownDirective(section: string, key: string): boolean {
  return data.sections[section]?.[key] !== undefined;
}

/** Keys of a section (for suggestions). */
export function keysOf(section: string): string[] {
  return Object.keys(data.sections[section] ?? {});
}

/** Sections (other than `section`) that have `key`: "did you put it in the wrong section?". */
export function sectionsWithKey(key: string, among?: readonly string[]): string[] {
  return Object.keys(data.sections).filter((s) => (among ? among.includes(s) : true) && data.sections[s]![key] !== undefined);
}

export function isRemovedAnywhere(key: string): boolean {
  return key in REMOVED_DIRECTIVES;
}

/** Damerau-free Levenshtein distance, capped for speed. */
export function editDistance(a: string, b: string, cap = 4): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev = new Array<number>(b.length + 1);
  const cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > cap) return cap + 1;
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j]!;
  }
  return prev[b.length]!;
}

/** The closest candidate to `word` (case-insensitive match first), if it is close enough. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    const d = editDistance(lower, c.toLowerCase(), 3);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}
