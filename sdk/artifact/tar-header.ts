// Decoding tar headers: one 512-byte header block, the records of a pax extended header and the
// body of a GNU long name, into typed values or a typed problem. Pure (bytes in, values out), so
// both tar readers share it: the streaming extractor (sdk/artifact/extract.ts) and the random-
// access OCI archive reader (sdk/artifact/oci-read.ts). Each reader does its own I/O and keeps its own
// limits; what a header means is decided here, once.
//
// Policy, the stricter reading wherever the two readers used to differ, because an archive is
// untrusted and two tools must never see two different trees in the same bytes:
// - The header checksum is verified (unsigned sum, as POSIX and every writer we know compute it).
// - Numeric fields are octal, with white space around and a NUL terminator, or GNU base-256
//   (first byte 0x80), which tar writes for sizes of 8 GiB and more. Base-256 is read, so a large
//   size is refused by the caller's limits with the same message as any other; a negative value or
//   one past 2^53 is refused here.
// - The ustar prefix is joined to the name only under the POSIX magic `ustar\0`: the old GNU
//   format (`ustar  \0`) keeps access and change times in the same bytes.
// - A malformed pax record (a length that is not a decimal number, a record running past the
//   header's data, no `=`, no closing newline) is an error naming the entry. Stopping at it
//   silently would drop the records after it, and with them perhaps the entry's real `path`.
// - pax `path`, `linkpath` and `size` apply to the next entry; `size` is honoured (tar(1) does,
//   and a reader that ignored it would take the entry's data for the next headers). A `path` or
//   `linkpath` holding NUL, or a `size` that is not a decimal number, is an error.
// - Several extended headers before one entry add up, the later winning; a pax `path` or
//   `linkpath` wins over a GNU long name, as in GNU tar and libarchive.
// Problems never quote the archive's bytes: they say what is wrong and where (entry and offset).

export const TAR_BLOCK = 512;

/** What a header describes, from its typeflag. */
export type TarEntryKind =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'chardev'
  | 'blockdev'
  | 'dir'
  | 'fifo'
  | 'sparse'
  | 'pax'
  | 'pax-global'
  | 'gnu-long-name'
  | 'gnu-long-link'
  | 'other';

const KINDS: Record<string, TarEntryKind> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // 7: contiguous file, a regular file everywhere but one old Unix
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'chardev',
  '4': 'blockdev',
  '5': 'dir',
  '6': 'fifo',
  S: 'sparse',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-long-name',
  K: 'gnu-long-link',
};

/** The kinds of header whose data extends the entry after them, not entries themselves. */
export type TarExtendedKind = 'pax' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link';

export function isExtendedKind(kind: TarEntryKind): kind is TarExtendedKind {
  return kind === 'pax' || kind === 'pax-global' || kind === 'gnu-long-name' || kind === 'gnu-long-link';
}

/** One header block, decoded (before any extended header is applied). */
export interface TarHeader {
  /** The typeflag character as written (`\0` for an old-style regular file). */
  typeflag: string;
  kind: TarEntryKind;
  /** The name, joined to the ustar prefix when there is one. */
  name: string;
  linkName: string;
  /** Permission bits only (`& 0o7777`); some writers put the file type bits in the field too. */
  mode: number;
  /** Bytes of data that follow the header, before padding to a block. */
  size: number;
}

/** Where a header is: its 1-based number among the archive's header blocks and its byte offset. */
export interface TarPosition {
  entry: number;
  offset: number;
}

export type TarProblemCode =
  | 'truncated' // fewer than 512 bytes where a header should be
  | 'checksum' // the header's checksum does not match its bytes
  | 'number' // a numeric field is neither octal nor base-256
  | 'out-of-range' // a base-256 number is negative or too large to hold exactly
  | 'pax-length' // a pax record's length is not a decimal number that covers the record
  | 'pax-overrun' // a pax record is longer than what is left of the extended header's data
  | 'pax-record' // a pax record lacks its `=` or its closing newline, or has an empty key
  | 'pax-value'; // a pax record the reader uses has a value it cannot take

export interface TarProblem {
  code: TarProblemCode;
  /** The header the problem is in. */
  entry: number;
  /** Byte offset of the problem in the (uncompressed) archive: the header, or the pax record. */
  offset: number;
  /** The header field or pax key concerned, when there is one. */
  field?: string;
  /** What is wrong and where, without quoting the archive's content. */
  message: string;
}

export type TarResult<T> = { ok: true; value: T } | { ok: false; problem: TarProblem };

function fail(code: TarProblemCode, at: TarPosition, what: string, field?: string, offset = at.offset): { ok: false; problem: TarProblem } {
  return {
    ok: false,
    problem: { code, entry: at.entry, offset, ...(field ? { field } : {}), message: `header ${at.entry} at byte ${at.offset}: ${what}` },
  };
}

/** A NUL-terminated (or field-filling) string. */
function cString(b: Buffer, at: number, len: number): string {
  const field = b.subarray(at, at + len);
  const nul = field.indexOf(0);
  return (nul < 0 ? field : field.subarray(0, nul)).toString('utf8');
}

type NumberField = 'mode' | 'size' | 'checksum';
const FIELDS: Record<NumberField, [at: number, len: number]> = { mode: [100, 8], size: [124, 12], checksum: [148, 8] };

/**
 * A numeric field: octal digits (spaces around, NUL-terminated), or GNU base-256 except for the
 * checksum, which every writer puts in octal.
 */
function numberField(h: Buffer, field: NumberField, at: TarPosition): TarResult<number> {
  const [start, len] = FIELDS[field];
  const raw = h.subarray(start, start + len);
  if (raw[0]! & 0x80 && field !== 'checksum') {
    // Base-256, big-endian two's complement after a marker byte: 0x80 for a positive number, 0xff
    // for a negative one (as GNU tar reads it; no other first byte is a number).
    if (raw[0] === 0xff) return fail('out-of-range', at, `the ${field} field is a negative base-256 number`, field);
    if (raw[0] !== 0x80) return fail('number', at, `the ${field} field is neither an octal nor a base-256 number`, field);
    let n = 0;
    for (let i = 1; i < raw.length; i++) {
      n = n * 256 + raw[i]!;
      if (n > Number.MAX_SAFE_INTEGER) return fail('out-of-range', at, `the ${field} field is a base-256 number too large to read`, field);
    }
    return { ok: true, value: n };
  }
  const text = cString(h, start, len).trim();
  if (text === '') return { ok: true, value: 0 };
  if (!/^[0-7]+$/.test(text)) return fail('number', at, `the ${field} field is not an octal number`, field);
  return { ok: true, value: parseInt(text, 8) };
}

/** An end-of-archive block (all zeros). */
export function isZeroBlock(block: Buffer): boolean {
  return block.every((b) => b === 0);
}

/**
 * Decodes one 512-byte header block. A zero block is not a header (see isZeroBlock); given one,
 * this reports a checksum problem like any other block that is not a header.
 */
export function decodeTarHeader(block: Buffer, at: TarPosition): TarResult<TarHeader> {
  if (block.length !== TAR_BLOCK)
    return fail('truncated', at, `a header is ${TAR_BLOCK} bytes, this one ${block.length}; the archive is truncated`);
  const checksum = numberField(block, 'checksum', at);
  if (!checksum.ok) return checksum;
  // The checksum is taken with its own field counted as eight spaces.
  let sum = 8 * 0x20;
  for (let i = 0; i < TAR_BLOCK; i++) if (i < 148 || i >= 156) sum += block[i]!;
  if (checksum.value !== sum) return fail('checksum', at, 'bad header checksum; the archive is damaged, or this is not a tar archive');
  const size = numberField(block, 'size', at);
  if (!size.ok) return size;
  const mode = numberField(block, 'mode', at);
  if (!mode.ok) return mode;
  const typeflag = String.fromCharCode(block[156]!);
  const name = cString(block, 0, 100);
  const prefix = block.toString('latin1', 257, 263) === 'ustar\0' ? cString(block, 345, 155) : '';
  return {
    ok: true,
    value: {
      typeflag,
      kind: KINDS[typeflag] ?? 'other',
      name: prefix ? `${prefix}/${name}` : name,
      linkName: cString(block, 157, 100),
      mode: mode.value & 0o7777,
      size: size.value,
    },
  };
}

/**
 * The records of a pax extended header's data, `"<len> <key>=<value>\n"` each, `len` counting the
 * whole record. `at` is the extended header's position; its data starts one block after it.
 * Later records for the same key win, as POSIX says.
 */
export function decodePaxRecords(body: Buffer, at: TarPosition): TarResult<Map<string, string>> {
  const records = new Map<string, string>();
  const dataOffset = at.offset + TAR_BLOCK;
  let p = 0;
  while (p < body.length) {
    const where = dataOffset + p;
    const sp = body.indexOf(0x20, p);
    const digits = sp < 0 ? '' : body.toString('latin1', p, sp);
    // At most 15 digits: a length past 2^53 cannot be a record, and parseInt would round it.
    if (!/^[0-9]{1,15}$/.test(digits))
      return fail('pax-length', at, `the pax record at byte ${where} does not start with a decimal length and a space`, undefined, where);
    const len = parseInt(digits, 10);
    if (p + len > body.length)
      return fail(
        'pax-overrun',
        at,
        `the pax record at byte ${where} claims ${len} bytes, more than the ${body.length - p} left in the extended header`,
        undefined,
        where,
      );
    // The shortest record is `<len> k=\n`.
    if (len < sp - p + 4)
      return fail(
        'pax-length',
        at,
        `the pax record at byte ${where} claims ${len} bytes, too few to hold its own length, key and newline`,
        undefined,
        where,
      );
    if (body[p + len - 1] !== 0x0a)
      return fail('pax-record', at, `the pax record at byte ${where} does not end with a newline where its length says`, undefined, where);
    const rec = body.subarray(sp + 1, p + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq <= 0) return fail('pax-record', at, `the pax record at byte ${where} has no key=value`, undefined, where);
    records.set(rec.toString('utf8', 0, eq), rec.toString('utf8', eq + 1));
    p += len;
  }
  return { ok: true, value: records };
}

/**
 * What the extended headers before an entry say about it, kept apart by origin: a pax `path` or
 * `linkpath` wins over a GNU long name whichever came first.
 */
export interface TarOverrides {
  pax: { path?: string; linkpath?: string; size?: number };
  gnu: { path?: string; linkpath?: string };
}

/** The overrides before any extended header (and again after each entry). */
export const NO_OVERRIDES: TarOverrides = Object.freeze({ pax: Object.freeze({}), gnu: Object.freeze({}) });

/**
 * Folds one extended header's data into the overrides gathered for the next entry. A global pax
 * header (`g`) changes nothing: its records would apply to every later entry, and none that we
 * read (path, linkpath, size) means anything for every entry; its records are still checked.
 */
export function applyExtendedHeader(
  overrides: TarOverrides,
  kind: TarExtendedKind,
  body: Buffer,
  at: TarPosition,
): TarResult<TarOverrides> {
  if (kind === 'gnu-long-name')
    return { ok: true, value: { ...overrides, gnu: { ...overrides.gnu, path: cString(body, 0, body.length) } } };
  if (kind === 'gnu-long-link')
    return { ok: true, value: { ...overrides, gnu: { ...overrides.gnu, linkpath: cString(body, 0, body.length) } } };
  const records = decodePaxRecords(body, at);
  if (!records.ok) return records;
  if (kind === 'pax-global') return { ok: true, value: overrides };
  const pax = { ...overrides.pax };
  for (const key of ['path', 'linkpath'] as const) {
    const value = records.value.get(key);
    if (value === undefined) continue;
    if (value.includes('\0')) return fail('pax-value', at, `the pax ${key} record holds a NUL byte`, key);
    pax[key] = value;
  }
  const size = records.value.get('size');
  if (size !== undefined) {
    if (!/^[0-9]{1,15}$/.test(size)) return fail('pax-value', at, 'the pax size record is not a decimal number of bytes', 'size');
    pax.size = parseInt(size, 10);
  }
  return { ok: true, value: { ...overrides, pax } };
}

/** An entry: its header with the extended headers before it applied. */
export interface TarEntry extends TarHeader {
  /** The entry's path: pax `path`, else a GNU long name, else the header's (prefixed) name. */
  path: string;
}

export function applyOverrides(header: TarHeader, overrides: TarOverrides): TarEntry {
  return {
    ...header,
    path: overrides.pax.path ?? overrides.gnu.path ?? header.name,
    linkName: overrides.pax.linkpath ?? overrides.gnu.linkpath ?? header.linkName,
    size: overrides.pax.size ?? header.size,
  };
}
