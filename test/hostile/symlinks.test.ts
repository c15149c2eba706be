// Symlink loops, paths through a regular file, and links that leave the package: each is the
// hostile package's skip reason, never an exception out of the generator.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectIsolated,
  generate,
  goodPackage,
  link,
  osRelease,
  sandbox,
  service,
  writeFiles,
  writeMetadata,
  type Sandbox,
} from './harness.ts';
import { packageDigest } from '../../sdk/digest.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());

type Setup = (dir: string) => void;
const cases: [string, Setup, string][] = [
  ['os-release links to itself', (d) => link(d, 'usr/lib/os-release', 'os-release'), 'symlink-loop'],
  [
    'os-release in a two-link loop',
    (d) => {
      link(d, 'usr/lib/os-release', 'a');
      link(d, 'usr/lib/a', 'os-release');
    },
    'symlink-loop',
  ],
  ['the unit directory loops onto itself', (d) => link(d, 'usr/lib/systemd/system', 'system'), 'symlink-loop'],
  [
    'a unit in a loop',
    (d) => {
      link(d, 'usr/lib/systemd/system/bad.service', 'bad-x.service');
      link(d, 'usr/lib/systemd/system/bad-x.service', 'bad.service');
    },
    'symlink-loop',
  ],
  [
    'os-release through a regular file',
    (d) => {
      writeFiles(d, { 'usr/share/file': 'x' });
      link(d, 'usr/lib/os-release', '../share/file/os-release');
    },
    'path-through-file',
  ],
  [
    'the unit directory goes through a regular file',
    (d) => {
      link(d, 'usr/lib/systemd', 'x');
      writeFileSync(join(d, 'usr/lib/x'), 'a file');
    },
    'path-through-file',
  ],
  ['os-release escapes with ..', (d) => link(d, 'usr/lib/os-release', '../../../../../../../etc/os-release'), 'symlink-outside'],
  ['os-release is an absolute link', (d) => link(d, 'usr/lib/os-release', '/etc/os-release'), 'symlink-outside'],
  ['the unit directory is an absolute link', (d) => link(d, 'usr/lib/systemd/system', '/etc/systemd/system'), 'symlink-outside'],
  [
    'a drop-in directory leaves the package',
    (d) => link(d, 'usr/lib/systemd/system/bad.service.d', '../../../../../../../etc/systemd/system'),
    'symlink-outside',
  ],
];

describe('hostile: symlink loops, paths through files, links out of the package', () => {
  for (const [what, setup, code] of cases) {
    it(`${what}: skipped with ${code}`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      setup(bad);
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      expectIsolated(sb, generate(sb, { maxMs: 5000 }), 'good', 'bad', code);
    });
  }

  it('relative links that stay inside the package are followed (os-release, unit alias)', () => {
    sb = sandbox();
    const ok = goodPackage(sb, 'ok');
    writeFiles(ok, { 'etc/os-release.real': osRelease('ok') });
    link(ok, 'usr/lib/os-release', '../../etc/os-release.real');
    const r = generate((writeMetadata(sb, [{ name: 'ok' }]), sb));
    expect(service(r.status, 'ok').state).toBe('enabled');
  });

  it('a loop anywhere in the tree does not stop the digest (links are recorded, not followed)', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const other = goodPackage(sb, 'other');
    link(other, 'usr/share/loop', 'loop');
    link(other, 'usr/share/out', '/etc/shadow');
    writeMetadata(sb, [{ name: 'good' }, { name: 'other', digest: packageDigest(other) }]);
    const r = generate(sb);
    expect(service(r.status, 'other').state).toBe('enabled');
  });

  it('the source path loops or goes through a file inside the container root', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    link(sb.host('/run/composable/store'), 'loop', 'loop');
    writeFileSync(sb.host('/run/composable/store/file'), 'x');
    writeMetadata(sb, [{ name: 'good' }, { name: 'loop' }, { name: 'thru', source: '/run/composable/store/file/pkg' }]);
    const r = generate(sb);
    expectIsolated(sb, r, 'good', 'loop', 'source-missing');
    expect(service(r.status, 'thru').reasons?.map((x) => x.code)).toEqual(['source-missing']);
  });
});
