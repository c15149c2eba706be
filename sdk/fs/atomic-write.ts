// Writes that are never seen half-done: a temporary file in the same directory, then a rename
// (or a hard link when an existing file must not be replaced).
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

let counter = 0;
/** `.<name>.<pid>.<n>.tmp` beside `path` (a dot file: systemd loads no unit from it). */
function tempName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.${counter++}.tmp`;
}

/** write(2) until everything is written (a write may be short). */
function writeFully(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

function writeTemp(tmp: string, data: string | Uint8Array, mode: number, fsync: boolean): void {
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeFully(fd, data);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  mode?: number;
  /** fsync the file (and its directory) before it becomes visible: for data that must survive a crash. */
  fsync?: boolean;
  /** Fail with EEXIST instead of replacing an existing file. */
  noReplace?: boolean;
  /** Create missing parent directories (with this mode). */
  mkdirMode?: number;
}

export function atomicWriteFile(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  if (opts.mkdirMode !== undefined) mkdirSync(dirname(path), { recursive: true, mode: opts.mkdirMode });
  const tmp = tempName(path);
  writeTemp(tmp, data, opts.mode ?? 0o644, opts.fsync ?? false);
  try {
    if (opts.noReplace) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else {
      renameSync(tmp, path);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  if (opts.fsync) {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}
