// The tar header decoder both tar readers use (sdk/artifact/tar-header.ts), on crafted header
// blocks and pax records; then the two readers on the same archives, to see one policy in both:
// the streaming extractor (sdk/artifact/extract.ts) and the OCI archive reader (sdk/artifact/oci-read.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyExtendedHeader,
  applyOverrides,
  decodePaxRecords,
  decodeTarHeader,
  isZeroBlock,
  NO_OVERRIDES,
  type TarHeader,
  type TarOverrides,
  type TarProblem,
  type TarResult,
} from '../../../sdk/artifact/tar-header.ts';
import { ArtifactError, extractArtifactTo } from '../../../sdk/artifact/extract.ts';
import { bufferSource, listTar, OciReadError } from '../../../sdk/artifact/oci-read.ts';

const at = { entry: 3, offset: 1536 };

interface Fields {
  name?: string;
  mode?: string | Buffer;
  size?: string | Buffer;
  type?: string;
  link?: string;
  magic?: string;
  prefix?: string;
  /** Overwrite the checksum after computing it (to make it wrong). */
  checksum?: string;
}

/** A header block with the given raw fields and, unless told otherwise, a correct checksum. */
function block(f: Fields = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(f.name ?? 'usr/bin/demo', 0, 100, 'utf8');
  const put = (v: string | Buffer, at: number, len: number): void => {
    if (typeof v === 'string') h.write(v, at, len, 'latin1');
    else v.copy(h, at, 0, len);
  };
  put(f.mode ?? '0000755\0', 100, 8);
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  put(f.size ?? '00000000012\0', 124, 12);
  h.write('00000000000\0', 136, 'latin1');
  h.write(f.type ?? '0', 156, 'latin1');
  if (f.link) h.write(f.link, 157, 100, 'utf8');
  h.write(f.magic ?? 'ustar\u000000', 257, 'latin1');
  if (f.prefix) h.write(f.prefix, 345, 155, 'utf8');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(f.checksum ?? `${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function ok<T>(r: TarResult<T>): T {
  if (!r.ok) throw new Error(`expected a value, got: ${r.problem.message}`);
  return r.value;
}

function problem<T>(r: TarResult<T>): TarProblem {
  if (r.ok) throw new Error(`expected a problem, got ${JSON.stringify(r.value)}`);
  return r.problem;
}

/** A pax record whose length counts itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
  return `${len}${rest}`;
}

/** Base-256 (GNU) encoding of `n` in a field of `len` bytes. */
function base256(n: bigint, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = len - 1; i > 0; i--, n >>= 8n) b[i] = Number(n & 0xffn);
  b[0] = 0x80;
  return b;
}

describe('decodeTarHeader', () => {
  it('decodes a valid ustar header: name, mode, size, type, link name', () => {
    const h = ok(decodeTarHeader(block({ name: 'usr/bin/demo', mode: '0100755\0', size: '00000001750\0' }), at));
    expect(h).toEqual({ typeflag: '0', kind: 'file', name: 'usr/bin/demo', linkName: '', mode: 0o755, size: 0o1750 });
    const link = ok(decodeTarHeader(block({ name: 'usr/bin/alias', type: '2', link: 'demo', size: '00000000000\0' }), at));
    expect(link).toMatchObject({ kind: 'symlink', linkName: 'demo', size: 0 });
    expect(ok(decodeTarHeader(block({ type: '5' }), at)).kind).toBe('dir');
    expect(ok(decodeTarHeader(block({ type: '\0' }), at)).kind).toBe('file');
    expect(ok(decodeTarHeader(block({ type: '3' }), at)).kind).toBe('chardev');
    expect(ok(decodeTarHeader(block({ type: 'V' }), at))).toMatchObject({ kind: 'other', typeflag: 'V' });
  });

  it('joins the ustar prefix to the name under the POSIX magic only', () => {
    const prefix = `${'p'.repeat(120)}/deep`;
    expect(ok(decodeTarHeader(block({ name: 'file', prefix }), at)).name).toBe(`${prefix}/file`);
    // The old GNU format keeps times where POSIX has the prefix: those bytes are not a name.
    expect(ok(decodeTarHeader(block({ name: 'file', prefix: '14507125770', magic: 'ustar  \0' }), at)).name).toBe('file');
  });

  it('refuses a bad checksum, naming the header and its offset without quoting it', () => {
    const b = block({ name: 'SECRET-NAME' });
    b[0] ^= 1;
    const p = problem(decodeTarHeader(b, at));
    expect(p).toMatchObject({ code: 'checksum', entry: 3, offset: 1536 });
    expect(p.message).toBe('header 3 at byte 1536: bad header checksum; the archive is damaged, or this is not a tar archive');
    expect(problem(decodeTarHeader(block({ checksum: '0000000\0' }), at)).code).toBe('checksum');
    // A checksum that is not octal is refused as such, not read as something else.
    expect(problem(decodeTarHeader(block({ checksum: '12345x\0 ' }), at))).toMatchObject({ code: 'number', field: 'checksum' });
    // A block of something else altogether, and a short block.
    expect(problem(decodeTarHeader(Buffer.alloc(512, 7), at)).code).toBe('number');
    expect(problem(decodeTarHeader(Buffer.alloc(100), at)).code).toBe('truncated');
  });

  it('reads base-256 sizes (GNU, 8 GiB and more) and refuses negative or inexact ones', () => {
    const tenGiB = 10n * 1024n ** 3n;
    expect(ok(decodeTarHeader(block({ size: base256(tenGiB, 12) }), at)).size).toBe(Number(tenGiB));
    expect(ok(decodeTarHeader(block({ mode: base256(0o644n, 8) }), at)).mode).toBe(0o644);
    const negative = Buffer.alloc(12, 0xff);
    expect(problem(decodeTarHeader(block({ size: negative }), at))).toMatchObject({ code: 'out-of-range', field: 'size' });
    expect(problem(decodeTarHeader(block({ size: base256(2n ** 64n, 12) }), at))).toMatchObject({ code: 'out-of-range', field: 'size' });
    const marker = base256(1n, 12);
    marker[0] = 0x81;
    expect(problem(decodeTarHeader(block({ size: marker }), at))).toMatchObject({ code: 'number', field: 'size' });
    expect(ok(decodeTarHeader(block({ size: base256(2n ** 53n - 1n, 12) }), at)).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads octal fields with spaces and NULs around the digits, and refuses other text', () => {
    const size = (s: string): TarResult<TarHeader> => decodeTarHeader(block({ size: s }), at);
    expect(ok(size('   1750 \0\0\0\0')).size).toBe(0o1750);
    expect(ok(size('1750\0\0\0\0\0\0\0\0')).size).toBe(0o1750);
    expect(ok(size('000000001750')).size).toBe(0o1750); // all twelve bytes digits, no terminator
    expect(ok(size('\0\0\0\0\0\0\0\0\0\0\0\0')).size).toBe(0); // empty: zero
    expect(ok(size('          \0 ')).size).toBe(0);
    expect(ok(decodeTarHeader(block({ mode: ' 644 \0  ' }), at)).mode).toBe(0o644);
    for (const bad of ['00000001789\0', '0000 001750\0', '-0000001750\0', '0x1750\0\0\0\0\0\0']) {
      expect(problem(size(bad)), bad).toMatchObject({
        code: 'number',
        field: 'size',
        message: 'header 3 at byte 1536: the size field is not an octal number',
      });
    }
  });

  it('tells the end-of-archive block apart', () => {
    expect(isZeroBlock(Buffer.alloc(512))).toBe(true);
    expect(isZeroBlock(block())).toBe(false);
  });
});

describe('pax records and GNU long names', () => {
  const pax = (text: string): Buffer => Buffer.from(text, 'utf8');

  it('decodes path, linkpath and size records; a later record for a key wins', () => {
    const body = pax(
      paxRecord('path', 'usr/lib/a name with = and\nnewline') +
        paxRecord('mtime', '1.5') +
        paxRecord('size', '10737418240') +
        paxRecord('path', 'usr/lib/é'),
    );
    const records = ok(decodePaxRecords(body, at));
    expect(records.get('path')).toBe('usr/lib/é');
    expect(records.get('size')).toBe('10737418240');
    const o = ok(applyExtendedHeader(NO_OVERRIDES, 'pax', body, at));
    const entry = applyOverrides(ok(decodeTarHeader(block({ name: 'short', size: '00000000000\0' }), at)), o);
    expect(entry).toMatchObject({ path: 'usr/lib/é', name: 'short', size: 10 * 1024 ** 3 });
    // Without overrides the header's own fields stand.
    expect(applyOverrides(ok(decodeTarHeader(block({ name: 'short' }), at)), NO_OVERRIDES)).toMatchObject({ path: 'short', size: 10 });
  });

  it('refuses a malformed length, naming the header and the record offset', () => {
    for (const text of ['abc path=x\n', 'path=x\n', ' 9 path=x\n', '1e1 path=x\n', '3 path=x\n', '0 path=x\n']) {
      const p = problem(decodePaxRecords(pax(text), at));
      expect(p, JSON.stringify(text)).toMatchObject({ code: 'pax-length', entry: 3, offset: 1536 + 512 });
      expect(p.message).not.toContain('path');
    }
    // The second record is the bad one: its offset is after the first.
    const first = paxRecord('path', 'ok');
    expect(problem(decodePaxRecords(pax(`${first}x y=z\n`), at)).offset).toBe(1536 + 512 + first.length);
  });

  it('refuses a record longer than what is left of the data', () => {
    const p = problem(decodePaxRecords(pax('100 path=SECRET\n'), at));
    expect(p).toMatchObject({ code: 'pax-overrun', entry: 3, offset: 2048 });
    expect(p.message).toBe(
      'header 3 at byte 1536: the pax record at byte 2048 claims 100 bytes, more than the 16 left in the extended header',
    );
    // A body cut off in the middle of a record (a writer that padded with NULs, a truncated one).
    expect(problem(decodePaxRecords(pax(`${paxRecord('path', 'a')}\0\0\0\0`), at)).code).toBe('pax-length');
  });

  it('refuses a record without its newline or its key=value, and path or size values it cannot take', () => {
    expect(problem(decodePaxRecords(pax('11 path=xyz '), at)).code).toBe('pax-record');
    expect(problem(decodePaxRecords(pax('9 pathxy\n'), at)).code).toBe('pax-record');
    expect(problem(decodePaxRecords(pax('9 =value\n'), at)).code).toBe('pax-record');
    expect(problem(applyExtendedHeader(NO_OVERRIDES, 'pax', pax(paxRecord('size', '1e3')), at))).toMatchObject({
      code: 'pax-value',
      field: 'size',
    });
    expect(problem(applyExtendedHeader(NO_OVERRIDES, 'pax', pax(paxRecord('size', '-1')), at))).toMatchObject({
      code: 'pax-value',
      field: 'size',
    });
    expect(problem(applyExtendedHeader(NO_OVERRIDES, 'pax', pax(paxRecord('path', 'etc/\0passwd')), at))).toMatchObject({
      code: 'pax-value',
      field: 'path',
    });
  });

  it('GNU long names apply to the next entry; a pax path or linkpath wins over them in either order', () => {
    const header = ok(decodeTarHeader(block({ name: 'trunc', type: '2', link: 'trunc-link' }), at));
    const long = `${'d/'.repeat(80)}file`;
    let o: TarOverrides = ok(applyExtendedHeader(NO_OVERRIDES, 'gnu-long-name', Buffer.from(`${long}\0`), at));
    o = ok(applyExtendedHeader(o, 'gnu-long-link', Buffer.from(`${long}-target\0\0\0`), at));
    expect(applyOverrides(header, o)).toMatchObject({ path: long, linkName: `${long}-target` });
    const paxFirst = ok(
      applyExtendedHeader(
        ok(applyExtendedHeader(NO_OVERRIDES, 'pax', pax(paxRecord('path', 'from-pax')), at)),
        'gnu-long-name',
        Buffer.from('from-gnu\0'),
        at,
      ),
    );
    expect(applyOverrides(header, paxFirst).path).toBe('from-pax');
    const gnuFirst = ok(
      applyExtendedHeader(
        ok(applyExtendedHeader(NO_OVERRIDES, 'gnu-long-name', Buffer.from('from-gnu\0'), at)),
        'pax',
        pax(paxRecord('path', 'from-pax')),
        at,
      ),
    );
    expect(applyOverrides(header, gnuFirst).path).toBe('from-pax');
  });

  it('a global pax header changes no entry, but its records are checked', () => {
    expect(ok(applyExtendedHeader(NO_OVERRIDES, 'pax-global', pax(paxRecord('path', 'everything')), at))).toBe(NO_OVERRIDES);
    expect(problem(applyExtendedHeader(NO_OVERRIDES, 'pax-global', pax('99 comment=x\n'), at)).code).toBe('pax-overrun');
  });
});

// ---------------------------------------------------------------------------------------------
// Both readers on the same bytes.

const work = mkdtempSync(join(tmpdir(), 'composable-tar-header-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;

interface Member {
  header: Fields;
  data?: Buffer | string;
}

function archive(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    parts.push(
      block({ size: `${data.length.toString(8).padStart(11, '0')}\0`, ...m.header }),
      data,
      Buffer.alloc((512 - (data.length % 512)) % 512),
    );
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Runs both readers on `bytes`: the extractor's tree (or its error) and listTar's members (or its error). */
async function readBoth(bytes: Buffer): Promise<{ extracted: string | Error; listed: ReturnType<typeof listTar> | Error }> {
  const dir = join(work, `t${counter++}`);
  mkdirSync(dir);
  writeFileSync(`${dir}.tar`, bytes);
  const extracted = await extractArtifactTo(`${dir}.tar`, dir, { name: 'x.tar' }).then(
    () => dir,
    (e: Error) => e,
  );
  let listed: ReturnType<typeof listTar> | Error;
  try {
    listed = listTar(bufferSource(bytes), 1000);
  } catch (e) {
    listed = e as Error;
  }
  return { extracted, listed };
}

describe('both readers, one policy', () => {
  it('a malformed pax record is refused by both, naming the entry', async () => {
    const bytes = archive([
      { header: { name: 'PaxHeaders/x', type: 'x' }, data: '3 path=SECRET\n' },
      { header: { name: 'x' }, data: 'x' },
    ]);
    const { extracted, listed } = await readBoth(bytes);
    expect(extracted).toBeInstanceOf(ArtifactError);
    expect((extracted as Error).message).toBe(
      'x.tar: header 1 at byte 0: the pax record at byte 512 claims 3 bytes, too few to hold its own length, key and newline',
    );
    expect(listed).toBeInstanceOf(OciReadError);
    expect((listed as Error).message).toBe(
      'tar: header 1 at byte 0: the pax record at byte 512 claims 3 bytes, too few to hold its own length, key and newline',
    );
  });

  it('a pax path and size apply to the next entry in both', async () => {
    const records = paxRecord('path', `usr/share/${'n'.repeat(150)}`) + paxRecord('size', '3');
    // The header's own size says 0: only the pax size tells where the data ends.
    const bytes = archive([
      { header: { name: 'PaxHeaders/x', type: 'x' }, data: records },
      { header: { name: 'short', size: '00000000000\0' } },
      { header: { name: 'after' }, data: 'after' },
    ]);
    // The data of `short` (3 bytes, padded) sits where archive() put no data: splice it in.
    const paxBlocks = 512 + Math.ceil(Buffer.byteLength(records) / 512) * 512;
    const withData = Buffer.concat([
      bytes.subarray(0, paxBlocks + 512),
      Buffer.from('abc'),
      Buffer.alloc(509),
      bytes.subarray(paxBlocks + 512),
    ]);
    const { extracted, listed } = await readBoth(withData);
    expect(readFileSync(join(extracted as string, 'usr/share', 'n'.repeat(150)), 'utf8')).toBe('abc');
    expect(readFileSync(join(extracted as string, 'after'), 'utf8')).toBe('after');
    expect((listed as ReturnType<typeof listTar>).map((m) => [m.path, m.size])).toEqual([
      [`usr/share/${'n'.repeat(150)}`, 3],
      ['after', 5],
    ]);
  });

  it("a base-256 size is read by both and bounded by each reader's own limit", async () => {
    const bytes = archive([{ header: { name: 'usr/bin/huge', size: base256(9n * 1024n ** 3n, 12) } }]);
    const { extracted, listed } = await readBoth(bytes);
    expect((extracted as Error).message).toMatch(/^x\.tar: usr\/bin\/huge declares 9663676416 bytes, over the limit of \d+ per file$/);
    expect((listed as Error).message).toBe(
      'tar: member at byte 0 claims 9663676416 bytes, more than the file holds; the file is truncated',
    );
  });

  it('a bad checksum is refused by both at the same header', async () => {
    const bytes = archive([
      { header: { name: 'a' }, data: 'a' },
      { header: { name: 'b' }, data: 'b' },
    ]);
    bytes[1024] ^= 1;
    const { extracted, listed } = await readBoth(bytes);
    expect((extracted as Error).message).toMatch(/^x\.tar: header 2 at byte 1024: bad header checksum/);
    expect((listed as Error).message).toMatch(/^tar: header 2 at byte 1024: bad header checksum/);
  });

  it('reads what GNU tar writes, in its pax and gnu formats, as tar lists it', async () => {
    const src = join(work, `src${counter++}`);
    const deep = join(src, 'd'.repeat(120), 'e'.repeat(120));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'f'.repeat(120)), 'content');
    symlinkSync('t'.repeat(150), join(src, 'long-link'));
    for (const format of ['posix', 'gnu']) {
      const file = join(work, `gnu-${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', file, '-C', src, '.']);
      const listedByTar = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const { extracted, listed } = await readBoth(readFileSync(file));
      if (listed instanceof Error) throw listed;
      if (extracted instanceof Error) throw extracted;
      expect(
        listed.map((m) => m.path),
        format,
      ).toEqual(listedByTar);
      expect(listed.find((m) => m.path === './long-link')).toMatchObject({ type: 'symlink', linkTarget: 't'.repeat(150) });
      expect(readFileSync(join(extracted, 'd'.repeat(120), 'e'.repeat(120), 'f'.repeat(120)), 'utf8')).toBe('content');
      expect(readlinkSync(join(extracted, 'long-link'))).toBe('t'.repeat(150));
      expect(readdirSync(extracted).sort()).toEqual(['d'.repeat(120), 'long-link']);
    }
  });
});
