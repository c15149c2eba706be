// The squashfs reader against images made by the real mksquashfs.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SquashfsError, SquashfsImage } from '../../../sdk/artifact/squashfs.ts';
import { imageReader, loadPackageFrom } from '../../../sdk/package.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const missing = missingRequirements([requirement.mksquashfs], 'squashfs reader tests');
const work = mkdtempSync(join(tmpdir(), 'composable-sqfs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string | Buffer>, links: Record<string, string> = {}): string {
  const dir = join(work, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    symlinkSync(target, join(dir, rel));
  }
  return dir;
}

function image(dir: string, args: string[] = []): string {
  const out = `${dir}.squashfs`;
  execFileSync('mksquashfs', [dir, out, '-noappend', '-all-root', '-no-xattrs', '-quiet', '-no-progress', ...args], { stdio: 'ignore' });
  return out;
}

// Deterministic pseudo-random bytes that do not compress away.
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe.skipIf(missing.length > 0)('SquashfsImage', () => {
  it('reads small files (fragments), multi-block files, nested directories and symlinks', () => {
    const big = noise(300_000, 1);
    const exact = noise(8192, 2);
    const dir = tree(
      'mixed',
      {
        'usr/lib/os-release': 'NAME=x\nID=x\nVERSION_ID=1\n',
        'usr/bin/big': big,
        'usr/bin/exact': exact,
        'usr/lib/systemd/system/x.service': '[Service]\nExecStart=/usr/bin/big\n',
        empty: '',
      },
      { 'usr/bin/link': 'big', 'etc/os-release': '../usr/lib/os-release' },
    );
    chmodSync(join(dir, 'usr/bin/big'), 0o755);
    for (const args of [[], ['-b', '4096'], ['-noD', '-noI', '-noF']]) {
      const img = SquashfsImage.open(image(dir, args));
      try {
        expect(img.readFile('usr/lib/os-release')!.toString()).toBe('NAME=x\nID=x\nVERSION_ID=1\n');
        expect(img.readFile('usr/bin/big')!.equals(big)).toBe(true);
        expect(img.readFile('usr/bin/exact')!.equals(exact)).toBe(true);
        expect(img.readFile('usr/bin/link')!.equals(big)).toBe(true);
        expect(img.readFile('etc/os-release')!.toString()).toContain('ID=x');
        expect(img.readFile('empty')!.length).toBe(0);
        expect(
          img
            .readDir('usr/bin')!
            .map((e) => `${e.name}:${e.kind}`)
            .sort(),
        ).toEqual(['big:file', 'exact:file', 'link:symlink']);
        expect(img.readFile('usr/bin')).toBeUndefined();
        expect(img.readFile('nope')).toBeUndefined();
        expect(img.isFile('usr/bin/big')).toBe(true);
      } finally {
        img.close();
      }
    }
  });

  it('reads a directory with many entries (several directory headers and metadata blocks)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`d/file-with-a-longish-name-${String(i).padStart(4, '0')}.conf`] = `n=${i}\n`;
    const img = SquashfsImage.open(image(tree('many', files)));
    try {
      const names = img.readDir('d')!.map((e) => e.name);
      expect(names).toHaveLength(600);
      expect(img.readFile('d/file-with-a-longish-name-0599.conf')!.toString()).toBe('n=599\n');
    } finally {
      img.close();
    }
  });

  it('loads a package from an image like from a directory', () => {
    const dir = tree('pkg', {
      'usr/lib/os-release': 'NAME=web\nID=web\nVERSION_ID=2.0\n',
      'usr/lib/systemd/system/web.service': '[Service]\nExecStart=/usr/bin/web\n[Install]\nWantedBy=multi-user.target\n',
      'usr/lib/systemd/system/web.service.d/10-x.conf': '[Service]\nNice=3\n',
      'usr/bin/web': '#!/bin/sh\n',
    });
    const img = SquashfsImage.open(image(dir));
    try {
      const { package: pkg, problems } = loadPackageFrom(imageReader(img), '/run/composable/store/web.squashfs');
      expect(problems).toEqual([]);
      expect(pkg!.manifest.version).toBe('2.0');
      expect(pkg!.units.map((u) => u.name)).toEqual(['web.service']);
      expect(pkg!.units[0]!.dropIns.map((d) => d.name)).toEqual(['10-x.conf']);
    } finally {
      img.close();
    }
  });

  it('refuses compressors it cannot read, with what to do', () => {
    const dir = tree('xz', { a: 'b' });
    expect(() => SquashfsImage.open(image(dir, ['-comp', 'xz']))).toThrow(/compressed with xz; build it with mksquashfs -comp gzip/);
    writeFileSync(join(work, 'junk'), 'not an image');
    expect(() => SquashfsImage.open(join(work, 'junk'))).toThrow(SquashfsError);
  });
});
