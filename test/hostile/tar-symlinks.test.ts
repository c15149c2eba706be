// Artifacts whose symlinks try to make the extractor touch, lint or print a host directory: a
// directory member over an earlier link (its mode would be set on the link's target), members
// through a link at any depth, a link over an earlier member, and an archive that is nothing but
// a link. Each is refused with a message naming the member; no host file changes.
import { lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { goodPackage, osRelease, sandbox, serviceUnit, type Sandbox } from './harness.ts';
import { tar, type Member } from './tar-build.ts';
import { lint } from '../../lint/engine.ts';
import { LintInputError } from '../../lint/inputs/index.ts';
import { inspectPath } from '../../cli/commands/inspect.ts';
import { ArtifactError, extractArtifactTo } from '../../sdk/artifact/extract.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());

const pkg: Member[] = [
  { name: 'usr/lib/os-release', data: osRelease('demo') },
  { name: 'usr/lib/systemd/system/demo.service', data: serviceUnit('demo') },
];

/** A host directory the archive aims at, with a file in it; returns a snapshot function. */
function hostDir(): { path: string; snapshot: () => string } {
  const path = join(sb.base, 'host-dir');
  mkdirSync(path, { mode: 0o700 });
  writeFileSync(join(path, 'keep'), 'host data', { mode: 0o600 });
  const snapshot = (): string =>
    JSON.stringify(
      [path, ...readdirSync(path).map((n) => join(path, n))].map((p) => {
        const st = lstatSync(p);
        return [p, st.mode, st.uid, st.size, st.mtimeMs];
      }),
    );
  return { path, snapshot };
}

function write(name: string, bytes: Buffer): string {
  const p = join(sb.base, name);
  writeFileSync(p, bytes);
  return p;
}

/** Both lint and inspect refuse the archive with `pattern`. */
async function refused(path: string, pattern: RegExp): Promise<void> {
  const lintErr = await lint([path]).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(lintErr, 'lint refuses it').toBeInstanceOf(LintInputError);
  expect(lintErr!.message).toMatch(pattern);
  const inspectErr = await inspectPath(path).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(inspectErr, 'inspect refuses it').toBeInstanceOf(ArtifactError);
  expect(inspectErr!.message).toMatch(pattern);
}

describe('hostile: symlinks in tar artifacts', () => {
  it('a directory member over an earlier symlink to a host directory: refused, the host directory keeps its mode', async () => {
    sb = sandbox();
    const host = hostDir();
    const before = host.snapshot();
    const t = tar([...pkg, { name: 'x', type: '2', link: host.path }, { name: 'x/', type: '5', mode: 0o777 }]);
    await refused(write('a.tar', t), /member "x\/" is a directory where the archive already has the symbolic link x/);
    expect(host.snapshot()).toBe(before);
    expect(statSync(host.path).mode & 0o7777).toBe(0o700);
  });

  it('members through a symlink, at the top or deeper, or through a link relative to its own directory: refused', async () => {
    sb = sandbox();
    const host = hostDir();
    const before = host.snapshot();
    const cases: [Member[], RegExp][] = [
      [
        [
          { name: 'a', type: '2', link: host.path },
          { name: 'a/keep', data: 'pwned' },
        ],
        /member "a\/keep" goes through the symbolic link a/,
      ],
      [
        [
          { name: 'usr/share', type: '5' },
          { name: 'usr/share/d', type: '2', link: host.path },
          { name: 'usr/share/d/new', data: 'x' },
        ],
        /member "usr\/share\/d\/new" goes through the symbolic link usr\/share\/d/,
      ],
      [
        [
          { name: 'up', type: '2', link: '../../..' },
          { name: 'up/etc/x', type: '5' },
        ],
        /goes through the symbolic link up/,
      ],
      [
        [
          { name: './l', type: '2', link: host.path },
          { name: 'l//./keep', data: 'x' },
        ],
        /goes through the symbolic link l/,
      ],
    ];
    for (const [i, [members, pattern]] of cases.entries()) {
      await refused(write(`b${i}.tar.gz`, gzipSync(tar([...pkg, ...members]))), pattern);
    }
    expect(host.snapshot()).toBe(before);
  });

  it('a symlink over an earlier member of the same name: refused, naming it', async () => {
    sb = sandbox();
    const t = tar([...pkg, { name: 'usr/bin/demo', data: 'x' }, { name: 'usr/bin/demo', type: '2', link: '/etc/shadow' }]);
    await refused(write('c.tar', t), /cannot unpack the symbolic link usr\/bin\/demo \(another member of that name comes first\)/);
  });

  it('an archive whose only member is a symlink to a host package directory: refused, the host tree is never linted or printed', async () => {
    sb = sandbox();
    // A real package on the host: following the link would lint and print it.
    const target = goodPackage(sb, 'hostpkg');
    for (const [i, members] of [
      [{ name: 'pkg', type: '2', link: target }],
      [
        { name: './', type: '5' },
        { name: './pkg', type: '2', link: target },
      ],
      [{ name: 'pkg', type: '2', link: '/etc' }],
    ].entries()) {
      const path = write(`d${i}.tar`, tar(members as Member[]));
      await refused(path, /its only member, "pkg", is a symbolic link/);
      const lintErr = await lint([path]).catch((e: Error) => e);
      expect(String(lintErr)).not.toContain('hostpkg');
    }
  });

  it('modes are still applied, on descriptors: files and directories as the archive says, links untouched', async () => {
    sb = sandbox();
    const host = hostDir();
    const before = host.snapshot();
    const dest = join(sb.base, 'unpacked');
    mkdirSync(dest);
    const t = tar([
      ...pkg,
      { name: 'usr/bin', type: '5', mode: 0o750 },
      { name: 'usr/bin/demo', data: '#!/bin/sh\n', mode: 0o751 },
      { name: 'usr/bin/host', type: '2', link: host.path, mode: 0o777 },
    ]);
    await extractArtifactTo(write('e.tar', t), dest);
    expect(statSync(join(dest, 'usr/bin')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(dest, 'usr/bin/demo')).mode & 0o7777).toBe(0o751);
    expect(lstatSync(join(dest, 'usr/bin/host')).isSymbolicLink()).toBe(true);
    expect(host.snapshot()).toBe(before);
  });
});
