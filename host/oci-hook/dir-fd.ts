// File-descriptor-relative work in directories a container can write to (its run directory is
// mounted read-write at /run/composable, and a user-namespaced container's root owns it). node has
// no openat(2), so each name is resolved relative to an open directory through its
// `/proc/self/fd/<fd>/` magic link, one component at a time, never following a symlink at the
// last step: a directory swapped for a symlink between two steps makes the next open fail
// (ELOOP, ENOTDIR) instead of making root write, chmod or chown a host file. Also bounded reads
// that never block on a FIFO or read a device.
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  opendirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../../sdk/fs/container-path.ts';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK, O_NOCTTY } = constants;

/**
 * Seen by tests only: called at each step where a check and its use used to be two lookups of one
 * path (the moment a swap to a symlink would have made root follow it).
 */
export const raceWindow: { between?: (step: string, hostPath: string) => void } = {};

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** An open directory; every operation names a single component below it. */
export class DirFd {
  private constructor(
    readonly fd: number,
    /** For messages only: the directory's path when it was opened. */
    readonly path: string,
  ) {}

  /** Open `path` as a directory, refusing a symlink as its last component. */
  static open(path: string): DirFd {
    return new DirFd(openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW), path);
  }

  /**
   * A process's root directory (`/proc/<pid>/root`, a link the kernel resolves to that process's
   * root wherever its mount namespace has it): followed on purpose, it is the one way in.
   */
  static openProcessRoot(pid: number): DirFd {
    return new DirFd(openSync(`/proc/${pid}/root`, O_RDONLY | O_DIRECTORY), `/proc/${pid}/root`);
  }

  /** The path that reaches `name` in this directory, whatever its path on the host is by now. */
  at(name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/'))
      throw new Error(`${JSON.stringify(name)} is not one path component`);
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  private self(): string {
    return `/proc/self/fd/${this.fd}`;
  }

  /** Open the child directory `name` (no link followed); with `create`, make it first and set its mode. */
  openDir(name: string, create?: { mode: number }): DirFd {
    if (create) {
      try {
        mkdirSync(this.at(name), { mode: create.mode });
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
      }
    }
    raceWindow.between?.('openDir', join(this.path, name));
    const child = new DirFd(openSync(this.at(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW), join(this.path, name));
    if (create) fchmodSync(child.fd, create.mode);
    return child;
  }

  /** Write `name` atomically: a fresh temporary file (O_EXCL|O_NOFOLLOW), its mode and owner set on the descriptor, then rename. */
  writeFile(
    name: string,
    data: Uint8Array | string,
    mode: number,
    opts: { owner?: { uid: number; gid: number }; fsync?: boolean } = {},
  ): void {
    const tmp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
    const fd = openSync(this.at(tmp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o600);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      fchmodSync(fd, mode);
      if (opts.owner) fchownSync(fd, opts.owner.uid, opts.owner.gid);
      if (opts.fsync) fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      unlinkSync(this.at(tmp));
      throw e;
    }
    closeSync(fd);
    raceWindow.between?.('rename', join(this.path, name));
    try {
      renameSync(this.at(tmp), this.at(name));
    } catch (e) {
      unlinkSync(this.at(tmp));
      throw e;
    }
  }

  /** Remove `name` and, for a directory, everything below it, without following any link. */
  remove(name: string): void {
    let st;
    try {
      st = lstatSync(this.at(name));
    } catch (e) {
      if (code(e) === 'ENOENT') return;
      throw e;
    }
    if (!st.isDirectory()) {
      unlinkSync(this.at(name));
      return;
    }
    raceWindow.between?.('remove', join(this.path, name));
    let child: DirFd;
    try {
      child = this.openDir(name);
    } catch (e) {
      // Swapped for a link or a file since the lstat: remove that name itself, nothing behind it.
      if (code(e) !== 'ELOOP' && code(e) !== 'ENOTDIR') throw e;
      unlinkSync(this.at(name));
      return;
    }
    try {
      for (const n of readdirSync(child.self())) child.remove(n);
    } finally {
      child.close();
    }
    try {
      rmdirSync(this.at(name));
    } catch (e) {
      if (code(e) !== 'ENOTDIR') throw e;
      unlinkSync(this.at(name));
    }
  }

  /** Give this directory and everything below it to `owner`; links are chowned themselves, never followed. */
  chownTree(owner: { uid: number; gid: number }): void {
    fchownSync(this.fd, owner.uid, owner.gid);
    for (const n of readdirSync(this.self())) {
      if (lstatSync(this.at(n)).isDirectory()) {
        raceWindow.between?.('chown', join(this.path, n));
        let child: DirFd | undefined;
        try {
          child = this.openDir(n);
        } catch (e) {
          if (code(e) !== 'ELOOP' && code(e) !== 'ENOTDIR') throw e;
        }
        if (child) {
          try {
            child.chownTree(owner);
          } finally {
            child.close();
          }
          continue;
        }
      }
      lchownSync(this.at(n), owner.uid, owner.gid);
    }
  }

  /** A second descriptor of this same directory (closed on its own). */
  reopen(): DirFd {
    return new DirFd(openSync(this.self(), O_RDONLY | O_DIRECTORY), this.path);
  }

  /**
   * At most `max` names of this directory's entries, read in one pass of the open descriptor (a
   * directory of millions of entries costs `max`, not millions); `truncated` when there were more.
   */
  names(max: number): { names: string[]; truncated: boolean } {
    const dir = opendirSync(this.self());
    const names: string[] = [];
    try {
      for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
        if (names.length >= max) return { names, truncated: true };
        names.push(e.name);
      }
    } finally {
      dir.closeSync();
    }
    return { names, truncated: false };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** How many symbolic links one lookup below a root may pass (Linux's own limit for a path). */
export const MAX_LINK_HOPS = 40;

/**
 * Open the directory `containerPath` below the open `root` (a container's root) one component at a
 * time, each opened O_NOFOLLOW relative to its parent's descriptor: a symbolic link is read and
 * resolved by hand inside the root (an absolute target is a path in the root, `..` stops at it), so
 * no link the image holds leads out of it, and a directory swapped for a link between two steps
 * fails the open instead of being followed. Returns the directory and the path it resolved to.
 * Throws FileReadError (`missing` set when a component does not exist).
 */
export function openDirInRoot(root: DirFd, containerPath: string): { dir: DirFd; path: string } {
  const stack: DirFd[] = [];
  const names: string[] = [];
  let pending = containerPath.split('/').filter((p) => p !== '' && p !== '.');
  let hops = 0;
  const fail = (message: string, missing = false): never => {
    for (const d of stack) d.close();
    throw new FileReadError(message, missing);
  };
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      stack.pop()?.close();
      names.pop();
      continue;
    }
    const here = stack.at(-1) ?? root;
    const shown = `/${[...names, part].join('/')}`;
    let st;
    try {
      st = lstatSync(here.at(part));
    } catch (e) {
      fail(`${shown} ${code(e) === 'ENOENT' ? 'does not exist' : `cannot be looked at (${code(e) ?? 'error'})`}`, code(e) === 'ENOENT');
    }
    if (st!.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) fail(`${containerPath}: more than ${MAX_LINK_HOPS} symbolic links on the way`);
      let target: string;
      try {
        target = readlinkSync(here.at(part));
      } catch (e) {
        fail(`${shown} cannot be read as a link (${code(e) ?? 'error'})`);
      }
      if (target!.startsWith('/')) {
        for (const d of stack.splice(0)) d.close();
        names.splice(0);
      }
      pending = [...target!.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      continue;
    }
    if (!st!.isDirectory()) fail(`${shown} is not a directory`);
    try {
      stack.push(here.openDir(part));
    } catch (e) {
      fail(`${shown} cannot be opened without following links (${code(e) ?? 'error'})`);
    }
    names.push(part);
  }
  const dir = stack.pop() ?? root.reopen();
  for (const d of stack) d.close();
  return { dir, path: `/${names.join('/')}` };
}

/**
 * Read the regular file `containerPath` below the open `root`, links resolved inside the root as
 * openDirInRoot does (the last component too), the file itself read with readBounded through its
 * directory's descriptor (no FIFO, device or unbounded read; no link followed).
 */
export function readFileInRoot(root: DirFd, containerPath: string, opts: { maxBytes: number; timeoutMs?: number }): Buffer {
  let path = posix.normalize(`/${containerPath}`);
  for (let hops = 0; ; hops++) {
    const name = posix.basename(path);
    if (name === '') throw new FileReadError(`${containerPath} is not a file`);
    const { dir, path: parent } = openDirInRoot(root, posix.dirname(path));
    try {
      let st;
      try {
        st = lstatSync(dir.at(name));
      } catch (e) {
        throw new FileReadError(
          `${posix.join(parent, name)} ${code(e) === 'ENOENT' ? 'does not exist' : `cannot be looked at (${code(e) ?? 'error'})`}`,
          code(e) === 'ENOENT',
        );
      }
      if (!st.isSymbolicLink()) {
        try {
          return readBounded(dir.at(name), opts);
        } catch (e) {
          // readBounded names the descriptor path; say the container's.
          throw new FileReadError(
            (e as Error).message.replace(dir.at(name), posix.join(parent, name)),
            (e as FileReadError).missing ?? false,
          );
        }
      }
      if (hops >= MAX_LINK_HOPS) throw new FileReadError(`${containerPath}: more than ${MAX_LINK_HOPS} symbolic links on the way`);
      const target = readlinkSync(dir.at(name));
      path = posix.normalize(target.startsWith('/') ? target : posix.join(parent, target));
    } finally {
      dir.close();
    }
  }
}

/** Run `fn` with `path` open as a directory, then close it. */
export function withDir<T>(path: string, fn: (d: DirFd) => T): T {
  const d = DirFd.open(path);
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

export class FileReadError extends Error {
  constructor(
    message: string,
    /** Set when what was read does not exist (as opposed to being unreadable or refused). */
    readonly missing = false,
  ) {
    super(message);
  }
}

/**
 * Read a regular file of at most `maxBytes` within `timeoutMs`: opened O_NONBLOCK (a FIFO does not
 * hang the open), checked with fstat (no FIFO, device or directory is read), and, unless `follow`,
 * O_NOFOLLOW. Errors name the path and what is wrong, never the content.
 */
export function readBounded(path: string, opts: { maxBytes: number; timeoutMs?: number; follow?: boolean }): Buffer {
  const deadline = Date.now() + (opts.timeoutMs ?? 2000);
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | (opts.follow ? 0 : O_NOFOLLOW));
  } catch (e) {
    throw new FileReadError(
      code(e) === 'ELOOP' ? `${path} is a symbolic link; it is not followed` : `cannot read ${path} (${code(e) ?? 'error'})`,
      code(e) === 'ENOENT',
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(`${path} is not a regular file`);
    if (st.size > opts.maxBytes) throw new FileReadError(`${path} is ${st.size} bytes, over the limit of ${opts.maxBytes}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (Date.now() > deadline) throw new FileReadError(`${path}: reading it took longer than ${opts.timeoutMs ?? 2000} ms`);
      const b = Buffer.alloc(Math.min(64 * 1024, opts.maxBytes + 1 - total));
      const n = readSync(fd, b, 0, b.length, null);
      if (n === 0) break;
      total += n;
      if (total > opts.maxBytes) throw new FileReadError(`${path} is over the limit of ${opts.maxBytes} bytes`);
      chunks.push(b.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read `containerPath` inside `root` (a package or a container's root): links are resolved by
 * hand inside the root (an absolute link means a path in the root, `..` stops at it), then the
 * file is read with readBounded (no link followed at the last step).
 */
export function readInRoot(root: string, containerPath: string, opts: { maxBytes: number; timeoutMs?: number }): Buffer {
  const r = resolveInRoot(root, containerPath);
  if (!r.ok) throw new FileReadError(`${containerPath} in ${root}: ${r.message}`);
  return readBounded(join(root, r.path), opts);
}
