// The artifact sniffer: formats by their magic numbers, never by name; files that are not regular
// files are not opened for reading.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sniffArtifact } from '../../../sdk/artifact/identify.ts';
import { formatOfHead, readHead, sniffFile } from '../../../sdk/artifact/sniff.ts';
import { writeTar } from '../../../sdk/artifact/tar.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-sniff-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('formatOfHead', () => {
  it('knows gzip, squashfs, erofs, ustar tar and ext4, and nothing else', () => {
    const erofs = Buffer.alloc(2048);
    erofs.writeUInt32LE(0xe0f5e1e2, 1024);
    const ext4 = Buffer.alloc(2048);
    ext4.writeUInt16LE(0xef53, 1080);
    const tar = Buffer.alloc(512);
    tar.write('ustar\0', 257, 'latin1');
    expect(formatOfHead(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('tar.gz');
    expect(formatOfHead(Buffer.from('hsqs....'))).toBe('squashfs');
    expect(formatOfHead(erofs)).toBe('erofs');
    expect(formatOfHead(tar)).toBe('tar');
    expect(formatOfHead(ext4)).toBe('ext4');
    // A tar whose second block happens to hold ext4's two bytes is a tar.
    expect(formatOfHead(Buffer.concat([tar, ext4.subarray(512)]))).toBe('tar');
    expect(formatOfHead(Buffer.from('[Unit]\nDescription=x\n'))).toBeUndefined();
    // A truncated erofs header is not an erofs image.
    expect(formatOfHead(erofs.subarray(0, 1027))).toBeUndefined();
    expect(formatOfHead(ext4.subarray(0, 1103))).toBeUndefined();
    // Text with ext4's two magic bytes at 1080 ("S" then U+FFFD) is no ext4 image.
    const text = Buffer.from(`${'#'.repeat(1080)}S\ufffd${'x'.repeat(100)}\n`);
    expect(text.readUInt16LE(1080)).toBe(0xef53);
    expect(formatOfHead(text)).toBeUndefined();
  });
});

describe('sniffFile and sniffArtifact', () => {
  it('reads a real tar by content whatever its name, and an OCI layout directory as such', () => {
    mkdirSync(join(dir, 'pkg/usr'), { recursive: true });
    writeFileSync(join(dir, 'named.json'), writeTar(join(dir, 'pkg'), [{ relPath: 'usr', type: 'dir', mode: 0o755, size: 0 }]));
    expect(sniffFile(join(dir, 'named.json'))).toBe('tar');
    mkdirSync(join(dir, 'layout'));
    writeFileSync(join(dir, 'layout/oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    expect(sniffArtifact(join(dir, 'layout'))).toBe('oci-layout');
    mkdirSync(join(dir, 'plain'));
    expect(sniffArtifact(join(dir, 'plain'))).toBe('directory');
  });

  it('does not read through a symlink or from a FIFO', () => {
    writeFileSync(join(dir, 'img'), 'hsqs');
    symlinkSync(join(dir, 'img'), join(dir, 'link'));
    expect(readHead(join(dir, 'link'))).toBeUndefined();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(readHead(join(dir, 'fifo'))).toBeUndefined();
    expect(sniffArtifact(join(dir, 'fifo'))).toBeUndefined();
  });
});
