// Devices and links to /dev/zero: never read, so they neither block nor exhaust memory.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectIsolated, generate, goodPackage, link, mknodZero, sandbox, writeMetadata, type Sandbox } from './harness.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root], 'device node tests (mknod)');
let sb: Sandbox;
afterEach(() => sb?.dispose());

describe('hostile: links to /dev/zero', () => {
  for (const rel of ['usr/lib/os-release', 'usr/lib/systemd/system/bad.service', 'usr/lib/systemd/system/bad.service.d/10-x.conf']) {
    it(`${rel} -> /dev/zero: skipped with symlink-outside, reads nothing`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      link(bad, rel, '/dev/zero');
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      const r = generate(sb, { maxMs: 5000 });
      expectIsolated(sb, r, 'good', 'bad', 'symlink-outside');
      expect(r.rssDelta).toBeLessThan(200 * 1024 * 1024);
    });
  }

  it('a relative link climbing to the host /dev/zero is refused too', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    link(bad, 'usr/lib/os-release', '../../../../../../../../../../../../dev/zero');
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    expectIsolated(sb, generate(sb, { maxMs: 5000 }), 'good', 'bad', 'symlink-outside');
  });
});

describe.skipIf(missing.length > 0)('hostile: device nodes', () => {
  for (const rel of ['usr/lib/os-release', 'usr/lib/systemd/system/bad.service']) {
    it(`${rel} is a character device: skipped with file-special`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      mknodZero(join(bad, rel));
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      const r = generate(sb, { maxMs: 5000 });
      expectIsolated(sb, r, 'good', 'bad', 'file-special');
      expect(r.rssDelta).toBeLessThan(200 * 1024 * 1024);
    });
  }

  it('metadata.json linked to a /dev/zero device: unreadable, a fresh status, quickly', () => {
    sb = sandbox();
    mknodZero(sb.host('/dev/zero'));
    link(sb.host('/run/composable'), 'metadata.json', '/dev/zero');
    const r = generate(sb, { maxMs: 5000 });
    expect(r.status.metadata.state).toBe('invalid');
    expect(r.status.metadata.reasons?.[0]?.code).toBe('metadata-unreadable');
    expect(r.rssDelta).toBeLessThan(200 * 1024 * 1024);
  });
});
