// Resolving container paths on the machine the tool runs on. With COMPOSABLE_ROOT (or a
// container's root directory) an absolute symlink inside the tree means a path inside the
// container, so symlinks are followed by hand, never by the host's kernel: a source cannot
// escape the store through `..` or an absolute link.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * `stat`: the lstat of the resolved path, taken while resolving it, so a caller need not lstat it
 * again; absent when the last step was not a lookup of the result (nothing below `known`, a
 * trailing `..`, a link to `/`).
 */
export type ResolveResult =
  | { ok: true; path: string; stat?: Stats }
  | { ok: false; code: 'missing' | 'loop' | 'unreadable'; message: string };

/**
 * Resolve `containerPath` inside `root` like the kernel would inside a chroot at `root`.
 * `known` is a directory already resolved (such as the store root) with its resolution: paths
 * below it start from there instead of walking every component again.
 */
export function resolveInRoot(root: string, containerPath: string, known?: { path: string; resolved: string }): ResolveResult {
  let pending = containerPath.split('/').filter(Boolean);
  let resolved: string[] = [];
  let last: Stats | undefined;
  if (known && containerPath.startsWith(`${known.path}/`)) {
    pending = containerPath.slice(known.path.length).split('/').filter(Boolean);
    resolved = known.resolved.split('/').filter(Boolean);
  }
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      last = undefined;
      continue;
    }
    const candidate = [...resolved, part];
    let st;
    let target = '';
    try {
      st = lstatSync(join(root, ...candidate), { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) target = readlinkSync(join(root, ...candidate));
    } catch (e) {
      // ENOTDIR: the path goes through a regular file; EACCES and the like: unreadable.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR')
        return {
          ok: false,
          code: 'missing',
          message: `/${candidate.join('/')} does not exist (/${resolved.join('/')} is not a directory)`,
        };
      return { ok: false, code: 'unreadable', message: `cannot read /${candidate.join('/')} (${code ?? 'error'})` };
    }
    if (!st) return { ok: false, code: 'missing', message: `/${candidate.join('/')} does not exist` };
    if (st.isSymbolicLink()) {
      if (++hops > 40) return { ok: false, code: 'loop', message: `too many levels of symbolic links at /${candidate.join('/')}` };
      if (target.startsWith('/')) resolved = [];
      last = undefined;
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    resolved = candidate;
    last = st;
  }
  return last ? { ok: true, path: `/${resolved.join('/')}`, stat: last } : { ok: true, path: `/${resolved.join('/')}` };
}

/** Whether `path` is strictly below `dir` (both absolute, normalised). */
export function isBelow(path: string, dir: string): boolean {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(prefix) && path.length > prefix.length;
}
