// resolveInRoot and isBelow: container paths resolved below a root the way the kernel would inside a chroot.
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBelow, resolveInRoot } from '../../../sdk/fs/container-path.ts';

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
