// The hook runs as root on what its config and store say, like sshd on authorized_keys: a config,
// a store or a run root that someone else can write (or swap, through any directory on the way
// to it) would let them grant themselves credentials, capabilities or host mounts. So, as sshd's
// StrictModes: the file or directory and every directory looked up on the way from / to it, every
// symlink hop included, must be owned by root (or the user running the hook) and writable by no
// group or other. A world-writable sticky directory (/tmp) is accepted when the entry looked up
// in it is owned by root too: nobody else can rename or remove it there.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { posix } from 'node:path';

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** Owners a trusted path may have: root, and the user running the hook (a test or a person). */
export function trustedOwners(): number[] {
  const me = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  return me === 0 ? [0] : [0, me];
}

/**
 * Why `path` (what: "config", "store", ...) cannot be trusted, in one line naming the offending
 * path, its mode and owner and the fix; undefined when it can. A missing path is not this
 * function's problem (undefined): reading it says so.
 */
export function untrustedPathProblem(path: string, what: string, owners: number[] = trustedOwners()): string | undefined {
  const bad = (p: string, st: Stats, why: string): string =>
    `${path}: the hook's ${what} is not trusted: ${p} ${why} (mode ${octal(st.mode)}, owner uid ${st.uid}); ` +
    `it and every directory above it must be owned by root and writable by root only (chown root, chmod go-w)`;
  const check = (p: string, st: Stats, parent: Stats | undefined): string | undefined => {
    if (!st.isSymbolicLink()) {
      if (!owners.includes(st.uid)) return bad(p, st, 'is not owned by root');
      const w = st.mode & 0o022;
      const stickyRootDir = st.isDirectory() && (st.mode & 0o1000) !== 0 && st.uid === 0;
      if (w !== 0 && !stickyRootDir)
        return bad(p, st, `is writable by ${w === 0o022 ? 'its group and others' : w === 0o020 ? 'its group' : 'others'}`);
    }
    // In a sticky directory others can write to, only the owner of an entry may rename it.
    if (parent && (parent.mode & 0o1000) !== 0 && (parent.mode & 0o022) !== 0 && !owners.includes(st.uid))
      return bad(p, st, 'is in a directory others can write to and is not owned by root');
    return undefined;
  };
  let pending = posix.resolve(path).split('/').filter(Boolean);
  let resolved: string[] = [];
  let dirStat = lstatSync('/');
  const rootProblem = check('/', dirStat, undefined);
  if (rootProblem) return rootProblem;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      dirStat = lstatSync(`/${resolved.join('/')}`);
      continue;
    }
    const p = `/${[...resolved, part].join('/')}`;
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      return undefined;
    }
    const problem = check(p, st, dirStat);
    if (problem) return problem;
    if (st.isSymbolicLink()) {
      if (++hops > 40) return `${path}: the hook's ${what} is not trusted: too many symbolic links on the way`;
      const target = readlinkSync(p);
      if (target.startsWith('/')) {
        resolved = [];
        dirStat = lstatSync('/');
      }
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    resolved.push(part);
    dirStat = st;
  }
  return undefined;
}
