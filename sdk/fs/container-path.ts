// Resolving container paths on the machine the tool runs on. With COMPOSABLE_ROOT (or a
// container's root directory) an absolute symlink inside the tree means a path inside the
// container, so symlinks are followed by hand, never by the host's kernel: a source cannot
// escape the store through `..` or an absolute link.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { type LookupKind, type PathSource, type ResolveOptions, resolvePath, SYMLINK_HOP_LIMIT } from './resolve-path.ts';

/**
 * `stat`: the lstat of the resolved path, taken while resolving it, so a caller need not lstat it
 * again; absent when the last step was not a lookup of the result (nothing below `known`, a
 * trailing `..`, a link to `/`).
 */
export type ResolveResult =
  | { ok: true; path: string; stat?: Stats }
  | { ok: false; code: 'missing' | 'loop' | 'unreadable'; message: string };

/** A container root on disk as a PathSource: one lstat per component, readlink for a link. */
class RootSource implements PathSource<Stats, string> {
  value: Stats | undefined;
  /** The errno code (or 'error') of a failed lstat or readlink. */
  error: string | undefined;
  /** The target of the link just looked up: read with its lstat, as one step. */
  private target = '';
  constructor(private readonly root: string) {}

  lookup(path: string): LookupKind {
    const abs = join(this.root, path);
    let st: Stats | undefined;
    try {
      st = lstatSync(abs, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) this.target = readlinkSync(abs);
    } catch (e) {
      this.error = (e as NodeJS.ErrnoException).code ?? 'error';
      return 'error';
    }
    if (!st) return 'missing';
    if (st.isSymbolicLink()) return 'symlink';
    this.value = st;
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  }

  readLink(): string {
    return this.target;
  }
}

/** Like the kernel inside a chroot: an absolute link starts again at the root, `..` stops there. */
const CHROOT: ResolveOptions = { absolute: 'from-root', aboveRoot: 'stay', throughFile: 'lookup', hopLimit: SYMLINK_HOP_LIMIT };

/**
 * Resolve `containerPath` inside `root` like the kernel would inside a chroot at `root`.
 * `known` is a directory already resolved (such as the store root) with its resolution: paths
 * below it start from there instead of walking every component again.
 */
export function resolveInRoot(root: string, containerPath: string, known?: { path: string; resolved: string }): ResolveResult {
  const below = known !== undefined && containerPath.startsWith(`${known.path}/`);
  const r = below
    ? resolvePath(new RootSource(root), containerPath.slice(known.path.length), CHROOT, known.resolved)
    : resolvePath(new RootSource(root), containerPath, CHROOT);
  if (r.ok) return r.lookedUp ? { ok: true, path: `/${r.path}`, stat: r.value! } : { ok: true, path: `/${r.path}` };
  switch (r.reason) {
    case 'missing':
      return { ok: false, code: 'missing', message: `/${r.path} does not exist` };
    case 'loop':
      return { ok: false, code: 'loop', message: `too many levels of symbolic links at /${r.path}` };
    case 'error':
      // ENOTDIR: the path goes through a regular file; EACCES and the like: unreadable.
      if (r.error === 'ENOTDIR') {
        const cut = r.path.lastIndexOf('/');
        return {
          ok: false,
          code: 'missing',
          message: `/${r.path} does not exist (/${cut < 0 ? '' : r.path.slice(0, cut)} is not a directory)`,
        };
      }
      return { ok: false, code: 'unreadable', message: `cannot read /${r.path} (${r.error})` };
    default:
      // absolute, above-root and through-file cannot happen with CHROOT.
      throw new Error(`resolveInRoot: unexpected ${r.reason}`);
  }
}

/** Whether `path` is strictly below `dir` (both absolute, normalised). */
export function isBelow(path: string, dir: string): boolean {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(prefix) && path.length > prefix.length;
}
