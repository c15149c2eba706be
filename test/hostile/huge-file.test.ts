// Files over the limits: refused from their size before a byte is read, so a 10 GiB (sparse)
// file costs nothing; the package is skipped with file-too-large, the others run.
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectIsolated, generate, goodPackage, sandbox, writeFiles, writeMetadata, type Sandbox } from './harness.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());
const GiB = 1024 ** 3;

describe('hostile: huge files', () => {
  it('os-release of 2 MiB (over the 1 MiB text limit)', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    writeFileSync(join(bad, 'usr/lib/os-release'), `NAME=bad\nID=bad\nVERSION_ID=1\n#${'x'.repeat(2 * 1024 * 1024)}\n`);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    expectIsolated(sb, generate(sb), 'good', 'bad', 'file-too-large');
  });

  for (const rel of ['usr/lib/systemd/system/bad.service', 'usr/lib/systemd/system/bad.service.d/10-x.conf', 'usr/lib/os-release']) {
    it(`${rel} is a sparse 10 GiB file: refused from its size, little memory and time`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      writeFiles(bad, { [rel]: '' });
      truncateSync(join(bad, rel), 10 * GiB);
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      const r = generate(sb, { maxMs: 3000 });
      expectIsolated(sb, r, 'good', 'bad', 'file-too-large');
      expect(r.rssDelta).toBeLessThan(100 * 1024 * 1024);
    });
  }

  it('a 3 GiB binary with a digest asked for: file-too-large, nothing hashed', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    writeFileSync(join(bad, 'usr/bin/huge'), '');
    truncateSync(join(bad, 'usr/bin/huge'), 3 * GiB);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', digest: `sha256:${'0'.repeat(64)}` }]);
    const r = generate(sb, { maxMs: 3000 });
    expectIsolated(sb, r, 'good', 'bad', 'file-too-large');
  });

  it('files that add up past the package limit: package-too-large before any is hashed', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(bad, `usr/bin/part${i}`), '');
      truncateSync(join(bad, `usr/bin/part${i}`), 2 * GiB);
    }
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', digest: `sha256:${'0'.repeat(64)}` }]);
    expectIsolated(sb, generate(sb, { maxMs: 3000 }), 'good', 'bad', 'package-too-large');
  });

  it('many unit files that together pass the text-per-package limit', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    const unit = `[Service]\nExecStart=/bin/true\n#${'x'.repeat(100_000)}\n`;
    for (let i = 0; i < 12; i++) writeFileSync(join(bad, `usr/lib/systemd/system/bad-${i}.service`), unit);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    expectIsolated(sb, generate(sb, { limits: { packageTextBytes: 1024 * 1024 } }), 'good', 'bad', 'package-too-large');
  });
});
