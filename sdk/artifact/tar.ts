// A reproducible tar writer (POSIX ustar, with pax headers for names that do not fit): entries in
// bytewise path order, owner and group 0 (root), one fixed mtime, modes and symlinks kept. The
// same tree gives the same bytes, whatever the files' owners and timestamps on disk.
import type { TreeEntry } from '../digest.ts';
import { orThrow, PackageTree } from '../fs/safe-read.ts';

const BLOCK = 512;
const RECORD = 20 * BLOCK;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  linkname?: string;
  prefix?: string;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, 'utf8');
  b.write(octal(fields.mode, 8), 100, 'ascii');
  b.write(octal(0, 8), 108, 'ascii');
  b.write(octal(0, 8), 116, 'ascii');
  b.write(octal(fields.size, 12), 124, 'ascii');
  b.write(octal(fields.mtime, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(fields.type, 156, 'ascii');
  if (fields.linkname) b.write(fields.linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 'ascii');
  b.write('00', 263, 'ascii');
  b.write('root', 265, 'ascii');
  b.write('root', 297, 'ascii');
  b.write(octal(0, 8), 329, 'ascii');
  b.write(octal(0, 8), 337, 'ascii');
  if (fields.prefix) b.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}

function pad(n: number): Buffer {
  return Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);
}

/** A pax record `"<len> key=value\n"` whose length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Split a path into ustar prefix (≤155 bytes) and name (≤100 bytes) when possible. */
function splitUstar(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  return undefined;
}

export interface TarOptions {
  /** Seconds since the epoch for every entry (SOURCE_DATE_EPOCH); default 0. */
  mtime?: number;
}

/** The tar bytes of the tree at `root` (entries as walkTree lists them). */
export function writeTar(root: string, entries: readonly TreeEntry[], opts: TarOptions = {}): Buffer {
  const mtime = opts.mtime ?? 0;
  const parts: Buffer[] = [];
  // Files are read through the safe reader: a walk entry that became a FIFO or a link since the
  // walk is refused (PackageReadError), never opened.
  const tree = new PackageTree(root);
  for (const e of entries) {
    if (e.type === 'other') continue; // devices, sockets and fifos have no place in a package
    const path = e.type === 'dir' ? `${e.relPath}/` : e.relPath;
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    const content = e.type === 'file' ? orThrow(tree.readWhole(e.relPath)) : Buffer.alloc(0);
    let split = splitUstar(path);
    const linkname = e.linkTarget ?? '';
    const pax: string[] = [];
    if (!split) pax.push(paxRecord('path', path));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8');
      parts.push(
        header({ name: `PaxHeaders/${path.slice(-80)}`.slice(0, 99), mode: 0o644, size: body.length, mtime, type: 'x' }),
        body,
        pad(body.length),
      );
      split ??= { name: path.slice(-100), prefix: '' };
    }
    parts.push(
      header({
        name: split!.name,
        prefix: split!.prefix,
        mode: e.mode,
        size: content.length,
        mtime,
        type,
        linkname: linkname.slice(0, 100),
      }),
    );
    if (content.length > 0) parts.push(content, pad(content.length));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  const total = parts.reduce((n, p) => n + p.length, 0);
  parts.push(Buffer.alloc((RECORD - (total % RECORD)) % RECORD));
  return Buffer.concat(parts);
}
