// Where the programs of a unit's Exec*= lines are: in the package, in the container, or nowhere.
// Shared by the coherence rules (not a rule itself).
import { posix } from 'node:path';
import { MOUNT_PREFIX } from '../../../sdk/contract.ts';
import { parseCommandLine } from '../../../sdk/unit-file/command-line.ts';
import type { EntryNode } from '../../../sdk/unit-file/types.ts';
import type { LintPackage, UnitContext } from '../../types.ts';
import { entriesOf, EXEC_KEYS, EXEC_SEARCH_PATH, packageMode, resolveInPackage, type Resolved, STANDARD_DIRS } from '../helpers.ts';

export interface ExecTarget {
  key: string;
  entry: EntryNode;
  /** The executable as written. */
  path: string;
  /** Package-relative paths tried, in order. */
  candidates: string[];
  /** Resolution of the first candidate that exists in the package, else of the first candidate. */
  resolved?: Resolved;
  /** The path is under a standard system directory, so a container may provide it. */
  standard: boolean;
}

/** Package-relative candidates for an executable as written in a unit. */
export function execCandidates(path: string, pkg: LintPackage): string[] {
  if (!path.includes('/')) return EXEC_SEARCH_PATH.map((d) => `${d}/${path}`.slice(1));
  const stable = `${MOUNT_PREFIX}/${pkg.name}/`;
  if (path.startsWith(stable)) return [posix.normalize(path.slice(stable.length))];
  return [posix.normalize(path).slice(1)];
}

/**
 * Targets per rule context: the engine gives every rule that checks a unit the same context, and
 * seven rules ask for the unit's targets, so each unit's command lines are parsed and resolved
 * once. The list is shared: do not modify it.
 */
const targetsByContext = new WeakMap<UnitContext, readonly ExecTarget[]>();

export function execTargets(ctx: UnitContext): readonly ExecTarget[] {
  let targets = targetsByContext.get(ctx);
  if (!targets) targetsByContext.set(ctx, (targets = findExecTargets(ctx)));
  return targets;
}

function findExecTargets(ctx: UnitContext): ExecTarget[] {
  const pkg = ctx.pkg;
  if (!pkg) return [];
  const chroot = packageMode(pkg) === 'chroot';
  const out: ExecTarget[] = [];
  for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
    if (!EXEC_KEYS[section]?.includes(entry.key) || entry.value === '') continue;
    const parsed = parseCommandLine(entry.value);
    if (!parsed.ok) continue;
    for (const cmd of parsed.commands) {
      const path = cmd.path;
      if (!path || /[%$]/.test(path)) continue; // resolved by systemd at run time
      if (path.includes('/') && !path.startsWith('/')) continue; // unit/exec-syntax
      // Another package's stable path: not ours to check.
      if (path.startsWith(`${MOUNT_PREFIX}/`) && !path.startsWith(`${MOUNT_PREFIX}/${pkg.name}/`)) continue;
      const candidates = execCandidates(path, pkg);
      let resolved: Resolved | undefined;
      for (const c of candidates) {
        const r = resolveInPackage(pkg, c, chroot);
        if (r.kind !== 'missing') {
          resolved = r;
          break;
        }
        resolved ??= r;
      }
      const standard = !path.includes('/') || STANDARD_DIRS.some((d) => path.startsWith(d));
      out.push({ key: entry.key, entry, path, candidates, resolved, standard });
    }
  }
  return out;
}
