import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile } from '../../../sdk/fs/atomic-write.ts';
import { isBelow, resolveInRoot } from '../../../sdk/fs/container-path.ts';
import { imageType } from '../../../generator/input/read-input.ts';
import { writePlanFiles } from '../../../generator/output/write-tree.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInRoot', () => {
  it('follows absolute symlinks inside the root, not on the host', () => {
    mkdirSync(join(dir, 'run/composable/store/pkg-1'), { recursive: true });
    symlinkSync('/run/composable/store/pkg-1', join(dir, 'run/composable/store/pkg'));
    const r = resolveInRoot(dir, '/run/composable/store/pkg');
    expect(r).toMatchObject({ ok: true, path: '/run/composable/store/pkg-1' });
    // The lstat it took of the result comes back, so the generator does not take it again.
    expect(r.ok && r.stat?.isDirectory()).toBe(true);
    expect(r.ok && r.stat?.ino).toBe(statSync(join(dir, 'run/composable/store/pkg-1')).ino);
  });

  it('returns no lstat when the result is not the last path it looked at', () => {
    mkdirSync(join(dir, 'run/composable/store/a'), { recursive: true });
    symlinkSync('/', join(dir, 'run/composable/store/root'));
    expect(resolveInRoot(dir, '/run/composable/store/root')).toEqual({ ok: true, path: '/' });
    expect(resolveInRoot(dir, '/run/composable/store/a/..')).toEqual({ ok: true, path: '/run/composable/store' });
    const dot = resolveInRoot(dir, '/run/composable/store/a/.');
    expect(dot.ok && dot.stat?.ino).toBe(statSync(join(dir, 'run/composable/store/a')).ino);
  });

  it('shows a relative symlink that climbs out of the store for what it is', () => {
    mkdirSync(join(dir, 'run/composable/store'), { recursive: true });
    mkdirSync(join(dir, 'etc'));
    symlinkSync('../../../etc', join(dir, 'run/composable/store/evil'));
    const r = resolveInRoot(dir, '/run/composable/store/evil');
    expect(r).toMatchObject({ ok: true, path: '/etc' });
    expect(isBelow('/etc', '/run/composable/store')).toBe(false);
  });

  it('cannot climb above the root with ..', () => {
    mkdirSync(join(dir, 'run/composable/store'), { recursive: true });
    symlinkSync('../../../../../../../..', join(dir, 'run/composable/store/up'));
    expect(resolveInRoot(dir, '/run/composable/store/up')).toEqual({ ok: true, path: '/' });
  });

  it('reports missing paths and symlink loops', () => {
    expect(resolveInRoot(dir, '/nope/x')).toMatchObject({ ok: false, code: 'missing' });
    symlinkSync('/loop', join(dir, 'loop'));
    expect(resolveInRoot(dir, '/loop')).toMatchObject({ ok: false, code: 'loop' });
  });

  it('isBelow is strict and component-wise', () => {
    expect(isBelow('/run/composable/store/a', '/run/composable/store')).toBe(true);
    expect(isBelow('/run/composable/store', '/run/composable/store')).toBe(false);
    expect(isBelow('/run/composable/storex/a', '/run/composable/store')).toBe(false);
  });
});

describe('atomicWriteFile', () => {
  it('writes with the mode asked and leaves no temporary file', () => {
    const p = join(dir, 'a.json');
    atomicWriteFile(p, 'x', { mode: 0o600, fsync: true });
    expect(readFileSync(p, 'utf8')).toBe('x');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('replaces by default, refuses with noReplace and cleans up', () => {
    const p = join(dir, 'u.service');
    atomicWriteFile(p, 'one');
    atomicWriteFile(p, 'two');
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(() => atomicWriteFile(p, 'three', { noReplace: true })).toThrow(/EEXIST/);
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['u.service']);
  });
});

describe('writePlanFiles', () => {
  it('writes files and relative symlinks, and never overwrites an existing unit', () => {
    writeFileSync(join(dir, 'taken.service'), 'mine');
    const errors = writePlanFiles(dir, [
      { kind: 'file', path: 'a.service', content: '[Service]\n' },
      { kind: 'symlink', path: 'composable.target.wants/a.service', target: '../a.service' },
      { kind: 'file', path: 'taken.service', content: 'theirs' },
    ]);
    expect(errors).toEqual([{ path: 'taken.service', message: `taken.service already exists in ${dir}; not overwriting it` }]);
    expect(readFileSync(join(dir, 'taken.service'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'composable.target.wants/a.service'), 'utf8')).toBe('[Service]\n');
  });
});

describe('writePlanFiles order and failures', () => {
  it('does not write a unit whose drop-in could not be written, and writes the others', () => {
    mkdirSync(join(dir, 'a.service.d'));
    writeFileSync(join(dir, 'a.service.d/zz-composable.conf'), 'planted');
    const errors = writePlanFiles(dir, [
      { kind: 'file', path: 'a.service', content: '[Service]\nExecStart=/bin/a\n' },
      { kind: 'file', path: 'a.service.d/zz-composable.conf', content: '[Service]\nUser=a\n' },
      { kind: 'file', path: 'b.service', content: '[Service]\nExecStart=/bin/b\n' },
      { kind: 'file', path: 'b.service.d/zz-composable.conf', content: '[Service]\nUser=b\n' },
      { kind: 'symlink', path: 'composable.target.wants/b.service', target: '../b.service' },
    ]);
    expect(errors.map((e) => e.path)).toEqual(['a.service.d/zz-composable.conf', 'a.service']);
    expect(errors[1]!.message).toMatch(/not written because one of its drop-ins could not be written/);
    expect(existsSync(join(dir, 'a.service'))).toBe(false);
    expect(readFileSync(join(dir, 'a.service.d/zz-composable.conf'), 'utf8')).toBe('planted');
    expect(readFileSync(join(dir, 'b.service.d/zz-composable.conf'), 'utf8')).toBe('[Service]\nUser=b\n');
    expect(readFileSync(join(dir, 'composable.target.wants/b.service'), 'utf8')).toBe('[Service]\nExecStart=/bin/b\n');
  });

  it('writes files over one page whole, through a temporary file, and leaves no temporary file', () => {
    const big = `[Service]\n${'Environment=X=0123456789\n'.repeat(400)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(4096);
    expect(writePlanFiles(join(dir, 'out'), [{ kind: 'file', path: 'big.service', content: big }])).toEqual([]);
    expect(readFileSync(join(dir, 'out/big.service'), 'utf8')).toBe(big);
    expect(readdirSync(join(dir, 'out'))).toEqual(['big.service']);
  });
});

describe('imageType', () => {
  it('recognises squashfs and erofs by their magic', () => {
    writeFileSync(join(dir, 'a.squashfs'), Buffer.concat([Buffer.from('hsqs'), Buffer.alloc(100)]));
    const erofs = Buffer.alloc(2048);
    erofs.writeUInt32LE(0xe0f5e1e2, 1024);
    writeFileSync(join(dir, 'b.erofs'), erofs);
    writeFileSync(join(dir, 'c.txt'), 'hello');
    expect(imageType(join(dir, 'a.squashfs'))).toBe('squashfs');
    expect(imageType(join(dir, 'b.erofs'))).toBe('erofs');
    expect(imageType(join(dir, 'c.txt'))).toBeUndefined();
  });
});
