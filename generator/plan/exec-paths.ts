// Host mode runs a package's programs from its stable mount path. Unit files name them as they
// sit in the package (`ExecStart=/usr/bin/logship`); the drop-in resets each Exec*= directive and
// redefines it with the path below the mount (`/opt/composable/logship/usr/bin/logship`), so
// `systemctl cat` shows the original and the rewrite. `composable test` uses the same rewrite.
import { posix } from 'node:path';
import { getEntries } from '../../sdk/unit-file/lookup.ts';
import { parseCommandLine, formatCommandLine } from '../../sdk/unit-file/command-line.ts';
import type { EntryNode, UnitFile } from '../../sdk/unit-file/types.ts';
import { EXEC_DIRECTIVES, packageExecutable } from '../../sdk/unit-file/exec-search.ts';

/**
 * The parsed command line of an Exec*= entry, parsed once: the privilege check and the path
 * rewrite both read every Exec*= entry of every unit at boot. Callers must not modify it.
 */
export function commandLineOf(entry: EntryNode): ReturnType<typeof parseCommandLine> {
  let parsed = PARSED.get(entry);
  if (parsed === undefined) {
    parsed = parseCommandLine(entry.value);
    PARSED.set(entry, parsed);
  }
  return parsed;
}
const PARSED = new WeakMap<EntryNode, ReturnType<typeof parseCommandLine>>();

/**
 * Every package-relative path an Exec*= executable of the unit (and its drop-ins) could refer to:
 * what a reader must be able to answer `hasFile` for.
 */
export function candidateExecutables(unit: { file: UnitFile; dropIns?: { file: UnitFile }[] }): string[] {
  const out = new Set<string>();
  for (const file of [unit.file, ...(unit.dropIns ?? []).map((d) => d.file)]) {
    for (const [section, keys] of Object.entries(EXEC_DIRECTIVES)) {
      for (const key of keys) {
        for (const entry of getEntries(file, section, key)) {
          const parsed = commandLineOf(entry);
          if (!parsed.ok) continue;
          for (const c of parsed.commands) packageExecutable(c.path, (rel) => (out.add(rel), false));
        }
      }
    }
  }
  return [...out];
}

export interface ExecRewrite {
  key: string;
  /** The directive's effective command lines after rewriting, one value per command. */
  values: string[];
}

export interface ExecRewriteProblem {
  key: string;
  line?: number;
  column?: number;
  message: string;
}

/**
 * For each Exec*= directive of `section` whose effective commands run a program inside the
 * package, the reset-and-redefine values with paths below `where`. Directives that run nothing
 * from the package are not repeated.
 */
export function rewriteExecDirectives(
  file: UnitFile,
  section: string,
  where: string,
  hasFile: (relPath: string) => boolean,
): { rewrites: ExecRewrite[]; problems: ExecRewriteProblem[] } {
  const rewrites: ExecRewrite[] = [];
  const problems: ExecRewriteProblem[] = [];
  for (const key of EXEC_DIRECTIVES[section] ?? []) {
    let values: string[] = [];
    let touched = false;
    for (const entry of getEntries(file, section, key)) {
      if (entry.value === '') {
        // An empty assignment resets the list (systemd.service(5)).
        values = [];
        touched = false;
        continue;
      }
      const parsed = commandLineOf(entry);
      if (!parsed.ok) {
        problems.push({ key, line: entry.range?.line, column: entry.valueRange?.column, message: parsed.message });
        continue;
      }
      for (const cmd of parsed.commands) {
        const rel = packageExecutable(cmd.path, hasFile);
        if (rel !== undefined) {
          touched = true;
          values.push(formatCommandLine({ ...cmd, path: posix.join(where, rel) }));
        } else {
          values.push(formatCommandLine(cmd));
        }
      }
    }
    if (touched) rewrites.push({ key, values });
  }
  return { rewrites, problems };
}
