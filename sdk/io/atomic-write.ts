// Writes that are never seen half-done: a temporary file in the same directory, then a rename
// (or a hard link when an existing file must not be replaced).
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

function writeTemp(tmp: string, data: string | Uint8Array, mode: number, fsync: boolean): void {
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
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
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  if (opts.fsync) {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  }
}
