// Squashfs images that lie: tables beyond the image, huge declared sizes, bad fragments, cut
// images, random damage. Each costs little time and memory and skips only its own service.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectIsolated,
  generate,
  goodPackage,
  link,
  osRelease,
  resetOut,
  sandbox,
  serviceUnit,
  service,
  STORE,
  writeFiles,
  writeMetadata,
  type Sandbox,
} from './harness.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.mksquashfs], 'squashfs bomb tests');
let sb: Sandbox;
afterEach(() => sb?.dispose());

/** os-release padded to a size no other inode has, so its inode can be found in the table. */
const OS_SIZE = 777;
const paddedOsRelease = (name: string): string => {
  const base = osRelease(name);
  return `${base}#${'p'.repeat(OS_SIZE - base.length - 2)}\n`;
};

/** A squashfs image of a valid package, with the inode and directory tables uncompressed. */
function image(sbx: Sandbox, name: string, extra: (dir: string) => void = () => {}): Buffer {
  const dir = join(sbx.base, `src-${name}`);
  writeFiles(dir, {
    'usr/lib/os-release': paddedOsRelease(name),
    [`usr/lib/systemd/system/${name}.service`]: serviceUnit(name),
    [`usr/bin/${name}`]: '#!/bin/sh\n',
  });
  extra(dir);
  const out = join(sbx.base, `${name}.img`);
  execFileSync(
    'mksquashfs',
    [dir, out, '-noappend', '-all-root', '-no-xattrs', '-comp', 'gzip', '-noI', '-noD', '-quiet', '-no-progress'],
    { stdio: 'ignore' },
  );
  return readFileSync(out);
}

const sb64 = (img: Buffer, at: number): number => Number(img.readBigUInt64LE(at));

/** Byte offset of the inode of type `type` whose u32 at `field` is `value` (uncompressed tables). */
function findInode(img: Buffer, type: number, field: number, value: number): number {
  const start = sb64(img, 64);
  const end = sb64(img, 72);
  for (let i = start + 2; i + field + 4 <= end; i++) {
    if (img.readUInt16LE(i) === type && img.readUInt32LE(i + field) === value) return i;
  }
  throw new Error('inode not found');
}

function rootInode(img: Buffer): number {
  const ref = img.readBigUInt64LE(32);
  return sb64(img, 64) + Number(ref >> 16n) + 2 + Number(ref & 0xffffn);
}

function place(sbx: Sandbox, name: string, img: Buffer): void {
  writeFileSync(join(sbx.root, STORE, `${name}.squashfs`), img);
}

const bombs: [string, (img: Buffer) => void, string | RegExp][] = [
  ['the inode table starts beyond the image', (img) => img.writeBigUInt64LE(1n << 40n, 64), 'image-corrupt'],
  ['the directory table starts beyond the image', (img) => img.writeBigUInt64LE(BigInt(img.length + 4096), 72), 'image-corrupt'],
  ['a block size that is not a power of two', (img) => img.writeUInt32LE(3000, 12), 'image-corrupt'],
  ['os-release declares 4 GiB', (img) => img.writeUInt32LE(0xfffffff0, findInode(img, 2, 28, OS_SIZE) + 28), 'file-too-large'],
  [
    'os-release declares 900 KiB of sparse blocks',
    (img) => {
      const at = findInode(img, 2, 28, OS_SIZE);
      img.writeUInt32LE(0xffffffff, at + 20); // no fragment: every block comes from the block list
      img.writeUInt32LE(900 * 1024, at + 28);
    },
    /image-corrupt|file-too-large|os-release/,
  ],
  [
    'os-release names a fragment far beyond the table',
    (img) => img.writeUInt32LE(0x7ffffff0, findInode(img, 2, 28, OS_SIZE) + 20),
    'image-corrupt',
  ],
  ['the root directory declares a 64 KiB listing', (img) => img.writeUInt16LE(0xffff, rootInode(img) + 24), 'image-corrupt'],
  ['the fragment table pointer is beyond the image', (img) => img.writeBigUInt64LE(1n << 50n, 80), 'image-corrupt'],
  ['cut short (its last 64 used bytes gone)', () => {}, 'image-corrupt'],
];

describe.skipIf(missing.length > 0)('hostile: squashfs bombs', () => {
  for (const [what, patch, code] of bombs) {
    it(`${what}: skipped (${code}), little time and memory`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      let img = image(sb, 'bad');
      patch(img);
      if (what.startsWith('cut short')) img = img.subarray(0, sb64(img, 40) - 64);
      place(sb, 'bad', img);
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad', source: `/${STORE}/bad.squashfs` }]);
      const r = generate(sb, { maxMs: 3000 });
      expectIsolated(sb, r, 'good', 'bad', code);
      expect(r.rssDelta).toBeLessThan(100 * 1024 * 1024);
    });
  }

  it('an absolute link or a loop inside the image is refused like in a directory', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    place(
      sb,
      'abs',
      image(sb, 'abs', (d) => link(d, 'usr/lib/os-release', '/etc/os-release')),
    );
    place(
      sb,
      'loop',
      image(sb, 'loop', (d) => link(d, 'usr/lib/systemd/system/loop-x.service', 'loop-x.service')),
    );
    place(
      sb,
      'up',
      image(sb, 'up', (d) => link(d, 'usr/lib/os-release', '../../../../../etc/os-release')),
    );
    writeMetadata(sb, [{ name: 'good' }, ...['abs', 'loop', 'up'].map((n) => ({ name: n, source: `/${STORE}/${n}.squashfs` }))]);
    const r = generate(sb);
    expectIsolated(sb, r, 'good', 'abs', 'symlink-outside');
    expect(service(r.status, 'loop').reasons!.map((x) => x.code)).toContain('symlink-loop');
    expect(service(r.status, 'up').reasons!.map((x) => x.code)).toContain('symlink-outside');
  });

  it('random damage to an image never throws out of the generator', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const clean = image(sb, 'bad');
    let x = 12345;
    const rand = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', source: `/${STORE}/bad.squashfs` }]);
    for (let round = 0; round < 40; round++) {
      const img = Buffer.from(clean);
      for (let k = 0; k < 1 + rand(8); k++) img[rand(img.length)] = rand(256);
      place(sb, 'bad', img);
      resetOut(sb);
      const r = generate(sb, { maxMs: 3000 });
      expect(service(r.status, 'good').state).toBe('enabled');
    }
  });
});
