// Hand-made tar archives for the hostile artifact suites: ustar headers with valid checksums
// whose sizes, types and names say whatever a test needs.
export interface Member {
  name: string;
  type?: string;
  data?: Buffer | string;
  size?: number;
  link?: string;
  mode?: number;
}

/** A ustar header with a valid checksum; `size` may lie about the data that follows. */
export function header(m: Member, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(m.name.slice(0, 100), 0, 'utf8');
  h.write(`${(m.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(m.type ?? '0', 156, 'ascii');
  if (m.link) h.write(m.link, 157, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function tar(members: Member[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    parts.push(header(m, m.size ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
