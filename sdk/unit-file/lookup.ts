// Lookups with systemd's semantics: the last assignment wins for single values; for lists an
// empty assignment resets what came before (systemd.unit(5)).
import type { EntryNode, UnitFile, UnitSection } from './types.ts';

export function sectionNames(file: UnitFile): string[] {
  return file.sections.map((s) => s.name);
}

/** All sections with this name (a file may repeat a section header; systemd merges them). */
export function getSections(file: UnitFile, section: string): UnitSection[] {
  return file.sections.filter((s) => s.name === section);
}

/** Entries of `section` (all sections of that name, in file order), optionally of one key. */
export function getEntries(file: UnitFile, section: string, key?: string): EntryNode[] {
  const out: EntryNode[] = [];
  for (const s of getSections(file, section)) {
    for (const n of s.nodes) if (n.type === 'entry' && (key === undefined || n.key === key)) out.push(n);
  }
  return out;
}

/** The effective single value: the last assignment (undefined when never assigned). */
export function getValue(file: UnitFile, section: string, key: string): string | undefined {
  const entries = getEntries(file, section, key);
  return entries.length > 0 ? entries[entries.length - 1]!.value : undefined;
}

/**
 * Split a list value on whitespace, honouring double and single quotes (as systemd's
 * extract_first_word with quote handling does for list directives).
 */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < value.length) cur += value[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (ch === '\\' && i + 1 < value.length) {
      cur += value[++i];
      inWord = true;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The effective list: words of every assignment, an empty assignment resetting the list. */
export function getList(file: UnitFile, section: string, key: string): string[] {
  let out: string[] = [];
  for (const e of getEntries(file, section, key)) {
    if (e.value === '') out = [];
    else out.push(...splitWords(e.value));
  }
  return out;
}

/** The effective assignments of a directive whose values are whole lines (Exec*=, Environment=). */
export function getAssignments(file: UnitFile, section: string, key: string): EntryNode[] {
  let out: EntryNode[] = [];
  for (const e of getEntries(file, section, key)) {
    if (e.value === '') out = [];
    else out.push(e);
  }
  return out;
}
