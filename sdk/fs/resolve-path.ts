// Resolving a path one component at a time, following symbolic links by hand, over whatever holds
// the tree: a package directory (sdk/fs/safe-read.ts), a container root (sdk/fs/container-path.ts),
// a squashfs image (sdk/artifact/squashfs.ts), a lint package's file list (lint/rules/helpers.ts).
// The walk is the same for all of them; what differs is how a component is looked up (the
// caller's `PathSource`), what an absolute link target means, and whether `..` may climb above
// the root. The algorithm is pure: it touches nothing but the source, and allocates nothing per
// step beyond the path strings it hands the source (no closures, no step records: the source
// passes its per-step value back in its own fields).

/**
 * Symbolic links followed while resolving one path: the kernel's own limit (MAXSYMLINKS in
 * include/linux/namei.h), so a path composable follows is one the kernel would follow too.
 */
export const SYMLINK_HOP_LIMIT = 40;

/** What a source found at a path. `dir`, `file` and `other` (a FIFO, a device...) end the step. */
export type LookupKind = 'missing' | 'symlink' | 'dir' | 'file' | 'other' | 'error';

/**
 * What the walk looks components up in. `V` is the value a caller wants back for each component
 * it resolved (an lstat, an inode, a file entry); `E` is whatever its lookup reports as an error.
 * One source may serve many walks, one at a time.
 */
export interface PathSource<V, E> {
  /**
   * What `path` is: the resolved parent's path joined with one more name ('a/b'; never '' and
   * never with `.` or `..` parts). `parent` is the value given for the parent directory, or
   * undefined for the root (and for components of `start`). For `dir`, `file` and `other` set
   * `value`; for `error` set `error`. A `symlink`'s target is asked for separately (readLink),
   * after the walk has counted it against the hop limit.
   */
  lookup(path: string, parent: V | undefined): LookupKind;
  /** The target of the symlink `lookup` just reported at `path`; undefined with `error` set when it cannot be read. */
  readLink(path: string): string | undefined;
  /** Set by `lookup` for `dir`, `file` and `other`. */
  value: V | undefined;
  /** Set by `lookup` (for `error`) and by `readLink` (when it returns undefined). */
  error: E | undefined;
}

export interface ResolveOptions {
  /**
   * An absolute link target: `refuse` fails the walk (a package's links must stay relative);
   * `from-root` starts again at the root, as a link inside a chroot does.
   */
  absolute: 'refuse' | 'from-root';
  /** `..` at the root: `refuse` fails the walk; `stay` stays at the root, as the kernel does. */
  aboveRoot: 'refuse' | 'stay';
  /**
   * A `file` or `other` with components after it: `refuse` fails the walk there (even when all
   * that follows is `..`, like the kernel's ENOTDIR); `lookup` goes on, so the next name is looked
   * up below it (the source reports what it finds, with the non-directory as `parent`) and a `..`
   * steps back from it.
   */
  throughFile: 'refuse' | 'lookup';
  /** Symlinks followed before the walk fails with `loop`; SYMLINK_HOP_LIMIT unless given. */
  hopLimit?: number;
}

/**
 * `path` is the resolved path relative to the root ('' for the root; components joined with `/`).
 * `value` is the source's value for its last component (undefined for the root and for a
 * component of `start`); `lookedUp` says whether the walk's last step was the lookup that gave
 * it, rather than a `..` or a link that ended at a directory already walked. A failure's `path`
 * is the path being looked up when the walk stopped (for `loop` and `absolute`, the link's).
 */
export type Resolution<V, E> =
  | { ok: true; path: string; value: V | undefined; lookedUp: boolean }
  | { ok: false; reason: 'missing'; path: string }
  | { ok: false; reason: 'error'; path: string; error: E }
  | { ok: false; reason: 'loop'; path: string }
  | { ok: false; reason: 'absolute'; path: string; target: string }
  | { ok: false; reason: 'through-file'; path: string; value: V }
  | { ok: false; reason: 'above-root' };

/** Push the components of `path` (without empty and `.` ones) onto `stack`, last first, so pop() yields them in order. */
function pushComponents(stack: string[], path: string): void {
  let end = path.length;
  while (end > 0) {
    const start = path.lastIndexOf('/', end - 1) + 1;
    if (start < end) {
      const part = path.slice(start, end);
      if (part !== '.') stack.push(part);
    }
    end = start - 1;
  }
}

/**
 * Resolve `path` (relative to the source's root; leading slashes, empty and `.` parts ignored)
 * step by step. `start` is a directory already resolved (symlink-free, no `..`) that `path` is
 * relative to instead of the root.
 */
export function resolvePath<V, E>(source: PathSource<V, E>, path: string, options: ResolveOptions, start?: string): Resolution<V, E> {
  const limit = options.hopLimit ?? SYMLINK_HOP_LIMIT;
  const pending: string[] = [];
  pushComponents(pending, path);
  /** One value per resolved component; its length is the depth below the root. */
  const values: (V | undefined)[] = [];
  /** The resolved components joined with `/`. */
  let prefix = '';
  if (start !== undefined) {
    for (const part of start.split('/')) {
      if (part === '' || part === '.') continue;
      prefix = prefix === '' ? part : `${prefix}/${part}`;
      values.push(undefined);
    }
  }
  let hops = 0;
  let lookedUp = false;
  let part: string | undefined;
  while ((part = pending.pop()) !== undefined) {
    if (part === '..') {
      lookedUp = false;
      if (values.length === 0) {
        if (options.aboveRoot === 'refuse') return { ok: false, reason: 'above-root' };
        continue;
      }
      values.pop();
      const cut = prefix.lastIndexOf('/');
      prefix = cut < 0 ? '' : prefix.slice(0, cut);
      continue;
    }
    const candidate = prefix === '' ? part : `${prefix}/${part}`;
    const kind = source.lookup(candidate, values.length === 0 ? undefined : values[values.length - 1]);
    if (kind === 'missing') return { ok: false, reason: 'missing', path: candidate };
    if (kind === 'error') return { ok: false, reason: 'error', path: candidate, error: source.error as E };
    if (kind === 'symlink') {
      if (++hops > limit) return { ok: false, reason: 'loop', path: candidate };
      const target = source.readLink(candidate);
      if (target === undefined) return { ok: false, reason: 'error', path: candidate, error: source.error as E };
      if (target.startsWith('/')) {
        if (options.absolute === 'refuse') return { ok: false, reason: 'absolute', path: candidate, target };
        prefix = '';
        values.length = 0;
      }
      pushComponents(pending, target);
      lookedUp = false;
      continue;
    }
    const value = source.value as V;
    if (kind !== 'dir' && pending.length > 0 && options.throughFile === 'refuse')
      return { ok: false, reason: 'through-file', path: candidate, value };
    values.push(value);
    prefix = candidate;
    lookedUp = true;
  }
  return { ok: true, path: prefix, value: values.length === 0 ? undefined : values[values.length - 1], lookedUp };
}
