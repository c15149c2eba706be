// Lookups with systemd's semantics. A file may repeat a section header; systemd reads the
// sections as one, in file order. For a single-valued setting the last assignment wins. For a
// list, every assignment adds words, and an empty assignment resets the list, except for the
// dependency settings (After=, Wants= ...) and Also=, which cannot be reset (systemd.unit(5)).
// How a list value is split into words depends on the directive's parser in systemd 252
// (load-fragment.c, conf-parser.c, install.c): see listSemantics.
import type { EntryNode, UnitFile, UnitSection } from './types.ts';
import { extractWords, type ExtractFlags } from './words.ts';

/** Section names in order of first appearance, each once. */
export function sectionNames(file: UnitFile): string[] {
  return [...new Set(file.sections.map((s) => s.name))];
}

/** All sections with this name, in file order. */
export function getSections(file: UnitFile, section: string): UnitSection[] {
  return file.sections.filter((s) => s.name === section);
}

/** Entries of `section` (all sections of that name, in file order), optionally only those of `key`. */
export function getEntries(file: UnitFile, section: string, key?: string): EntryNode[] {
  const out: EntryNode[] = [];
  for (const s of file.sections) {
    if (s.name !== section) continue;
    for (const n of s.nodes) if (n.type === 'entry' && (key === undefined || n.key === key)) out.push(n);
  }
  return out;
}

/** The effective value of a single-valued setting: the last assignment's (undefined when never assigned). */
export function getValue(file: UnitFile, section: string, key: string): string | undefined {
  let value: string | undefined;
  for (const s of file.sections) {
    if (s.name !== section) continue;
    for (const n of s.nodes) if (n.type === 'entry' && n.key === key) value = n.value;
  }
  return value;
}

/** How systemd reads a list-valued directive. */
export interface ListSemantics {
  /** extract_first_word() flags used to split one assignment into words. */
  split: ExtractFlags;
  /** Whether an empty assignment clears the words assigned before it. */
  resetOnEmpty: boolean;
}

/** config_parse_strv(): quotes removed, backslashes kept; empty resets. The default. */
export const STRV_LIST: ListSemantics = { split: { unquote: true, retainEscape: true }, resetOnEmpty: true };
/** config_parse_unit_deps(): neither quotes nor backslashes are special; empty does nothing. */
export const DEPENDENCY_LIST: ListSemantics = { split: { retainEscape: true }, resetOnEmpty: false };
/** config_parse_environ(), config_parse_unset_environ(): quotes removed, C escapes decoded. */
export const ENVIRONMENT_LIST: ListSemantics = { split: { unquote: true, cunescape: true }, resetOnEmpty: true };

const UNIT_DEPENDENCIES = new Set([
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'BindTo',
  'Upholds',
  'Conflicts',
  'Before',
  'After',
  'OnSuccess',
  'OnFailure',
  'PropagatesReloadTo',
  'PropagateReloadTo',
  'ReloadPropagatedFrom',
  'PropagateReloadFrom',
  'PropagatesStopTo',
  'StopPropagatedFrom',
  'PartOf',
  'JoinsNamespaceOf',
]);

const BY_KEY: Record<string, ListSemantics> = {
  Environment: ENVIRONMENT_LIST,
  UnsetEnvironment: ENVIRONMENT_LIST,
  PassEnvironment: { split: { unquote: true }, resetOnEmpty: true },
  // Exit status sets (config_parse_set_status): plain words, a backslash escapes the next character.
  SuccessExitStatus: { split: {}, resetOnEmpty: true },
  RestartPreventExitStatus: { split: {}, resetOnEmpty: true },
  RestartForceExitStatus: { split: {}, resetOnEmpty: true },
};

/** The semantics systemd 252 uses for `section`/`key`; config_parse_strv()'s for directives not listed. */
export function listSemantics(section: string, key: string): ListSemantics {
  if (section === 'Unit' && UNIT_DEPENDENCIES.has(key)) return DEPENDENCY_LIST;
  if (section === 'Install' && key === 'Also') return { split: {}, resetOnEmpty: false };
  return BY_KEY[key] ?? STRV_LIST;
}

/**
 * The effective list of a list-valued setting: the words of every assignment in order, split and
 * reset as systemd does for that directive (see listSemantics; pass `semantics` to override).
 * Words after a syntax error in an assignment (an unterminated quote) are dropped, as systemd
 * ignores the rest of that line. Specifiers (`%i`) and `$VARIABLES` are left as written.
 */
export function getList(file: UnitFile, section: string, key: string, semantics: ListSemantics = listSemantics(section, key)): string[] {
  let out: string[] = [];
  for (const e of getEntries(file, section, key)) {
    if (e.value === '') {
      if (semantics.resetOnEmpty) out = [];
      continue;
    }
    for (const w of extractWords(e.value, semantics.split).words) out.push(w.text);
  }
  return out;
}

/**
 * The effective assignments of a setting whose assignments are kept whole (Exec*=, Environment=
 * lines, conditions): an empty assignment drops every assignment before it.
 */
export function getAssignments(file: UnitFile, section: string, key: string): EntryNode[] {
  let out: EntryNode[] = [];
  for (const e of getEntries(file, section, key)) {
    if (e.value === '') out = [];
    else out.push(e);
  }
  return out;
}
