// One walk for every reader of a package: the package directory (PackageTree), a container
// root (resolveInRoot), a squashfs image and the linter's file list must agree on what a path
// with symbolic links is, so lint never passes a link the generator refuses, or the reverse.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackage } from '../../../lint/inputs/package.ts';
import { resolveInPackage } from '../../../lint/rules/helpers.ts';
import { SquashfsImage } from '../../../sdk/artifact/squashfs.ts';
import { resolveInRoot } from '../../../sdk/fs/container-path.ts';
import { type LookupKind, type PathSource, resolvePath, SYMLINK_HOP_LIMIT } from '../../../sdk/fs/resolve-path.ts';
import { PackageTree } from '../../../sdk/fs/safe-read.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

/** An in-memory tree: a path maps to 'dir', 'file' or a link target. */
function memory(entries: Record<string, string>): PathSource<string, never> {
  const source: PathSource<string, never> & { target: string } = {
    value: undefined,
    error: undefined,
    target: '',
    lookup(path): LookupKind {
      const e = entries[path];
      if (e === undefined) return 'missing';
      if (e === 'dir' || e === 'file') {
        source.value = path;
        return e;
      }
      source.target = e;
      return 'symlink';
    },
    readLink: () => source.target,
  };
  return source;
}

describe('resolvePath', () => {
  const tree = {
    usr: 'dir',
    'usr/bin': 'dir',
    'usr/bin/tool': 'file',
    bin: 'usr/bin',
    up: 'usr/bin/..',
    abs: '/usr/bin/tool',
  };
  const strict = { absolute: 'refuse', aboveRoot: 'refuse', throughFile: 'refuse' } as const;

  it('steps back from a link target with `..`, as the kernel does, not from the link', () => {
    // bin -> usr/bin, so bin/.. is usr, not the root.
    expect(resolvePath(memory(tree), 'bin/..', strict)).toMatchObject({ ok: true, path: 'usr' });
    expect(resolvePath(memory(tree), 'up/bin/tool', strict)).toMatchObject({ ok: true, path: 'usr/bin/tool', lookedUp: true });
  });

  it('refuses or restarts at an absolute target, and refuses or stays at `..` above the root', () => {
    expect(resolvePath(memory(tree), 'abs', strict)).toMatchObject({ ok: false, reason: 'absolute', target: '/usr/bin/tool' });
    expect(resolvePath(memory(tree), 'abs', { ...strict, absolute: 'from-root' })).toMatchObject({ ok: true, path: 'usr/bin/tool' });
    expect(resolvePath(memory(tree), '../usr', strict)).toMatchObject({ ok: false, reason: 'above-root' });
    expect(resolvePath(memory(tree), '../usr', { ...strict, aboveRoot: 'stay' })).toMatchObject({ ok: true, path: 'usr' });
  });

  it('refuses a name below a regular file, or asks the source about it', () => {
    expect(resolvePath(memory(tree), 'usr/bin/tool/x', strict)).toMatchObject({ ok: false, reason: 'through-file' });
    expect(resolvePath(memory(tree), 'usr/bin/tool/x', { ...strict, throughFile: 'lookup' })).toMatchObject({
      ok: false,
      reason: 'missing',
      path: 'usr/bin/tool/x',
    });
  });

  it(`follows ${SYMLINK_HOP_LIMIT} links and fails at one more, the kernel's MAXSYMLINKS`, () => {
    const chain: Record<string, string> = { end: 'file' };
    for (let i = 0; i <= SYMLINK_HOP_LIMIT; i++) chain[`l${i}`] = i === 0 ? 'end' : `l${i - 1}`;
    expect(resolvePath(memory(chain), `l${SYMLINK_HOP_LIMIT - 1}`, strict)).toMatchObject({ ok: true, path: 'end' });
    expect(resolvePath(memory(chain), `l${SYMLINK_HOP_LIMIT}`, strict)).toMatchObject({ ok: false, reason: 'loop' });
  });
});

const missing = missingRequirements([requirement.mksquashfs], 'resolve-path agreement over squashfs');
const work = mkdtempSync(join(tmpdir(), 'composable-resolve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('every package reader walks links the same way', () => {
  const dir = join(work, 'pkg');
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/bin/tool'), '#!/bin/sh\n');
  // l0 -> usr/bin/tool, l1 -> l0, ...: l39 takes 40 links, l40 takes 41.
  for (let i = 0; i <= SYMLINK_HOP_LIMIT; i++) symlinkSync(i === 0 ? 'usr/bin/tool' : `l${i - 1}`, join(dir, `l${i}`));
  symlinkSync('usr/bin', join(dir, 'bin'));
  symlinkSync('/usr/bin/tool', join(dir, 'abs'));

  /** What each reader says of `path`: the package-relative path it found, or that it did not. */
  function verdicts(path: string, image?: SquashfsImage): Record<string, string> {
    const tree = new PackageTree(dir).resolve(path);
    const lint = resolveInPackage(readPackage(dir, 'pkg'), path, false);
    const root = resolveInRoot(dir, `/${path}`);
    const out: Record<string, string> = {
      'package directory': tree.ok ? tree.value.rel : tree.problem.code,
      linter: lint.kind === 'found' ? lint.relPath : lint.kind,
      'container root': root.ok ? root.path.slice(1) : root.code,
    };
    if (image) {
      try {
        out.squashfs = image.isFile(path) ? 'file' : 'not a file';
      } catch (e) {
        out.squashfs = (e as { code?: string }).code ?? 'error';
      }
    }
    return out;
  }

  it('a chain of exactly the hop limit resolves in all of them', () => {
    const v = verdicts(`l${SYMLINK_HOP_LIMIT - 1}`);
    expect(v).toEqual({ 'package directory': 'usr/bin/tool', linter: 'usr/bin/tool', 'container root': 'usr/bin/tool' });
    expect(verdicts('bin/../bin/tool')).toEqual(v);
  });

  it('`..` after a link steps back from its target in all of them (the linter once normalised it away)', () => {
    // bin -> usr/bin, so bin/.. is usr and bin/../usr/bin/tool is usr/usr/bin/tool: not there.
    expect(verdicts('bin/../usr/bin/tool')).toEqual({
      'package directory': 'path-missing',
      linter: 'missing',
      'container root': 'missing',
    });
  });

  it('one link more is a loop in all of them', () => {
    expect(verdicts(`l${SYMLINK_HOP_LIMIT}`)).toEqual({ 'package directory': 'symlink-loop', linter: 'loop', 'container root': 'loop' });
  });

  it('an absolute link escapes a package (the container root reads it inside the root)', () => {
    expect(verdicts('abs')).toEqual({ 'package directory': 'symlink-outside', linter: 'escapes', 'container root': 'usr/bin/tool' });
  });

  it.skipIf(missing.length > 0)('the squashfs reader agrees on the same tree packed as an image', () => {
    const out = join(work, 'pkg.squashfs');
    execFileSync('mksquashfs', [dir, out, '-noappend', '-all-root', '-quiet', '-no-progress'], { stdio: 'ignore' });
    const image = SquashfsImage.open(out);
    try {
      expect(verdicts(`l${SYMLINK_HOP_LIMIT - 1}`, image).squashfs).toBe('file');
      expect(verdicts(`l${SYMLINK_HOP_LIMIT}`, image).squashfs).toBe('symlink-loop');
      expect(verdicts('abs', image).squashfs).toBe('symlink-outside');
    } finally {
      image.close();
    }
  });
});
