// A FIFO wherever the generator reads must not block it: the package is skipped, the others run.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectIsolated, generate, goodPackage, mkfifo, sandbox, service, writeMetadata, type Sandbox } from './harness.ts';
import { hasCommand, missingRequirements } from '../helpers/requirements.ts';

const missing = missingRequirements([{ name: 'mkfifo (coreutils)', present: () => hasCommand('mkfifo') }], 'FIFO tests');
let sb: Sandbox;
afterEach(() => sb?.dispose());

describe.skipIf(missing.length > 0)('hostile: FIFOs', () => {
  const cases: [string, string, string][] = [
    ['os-release is a FIFO', 'usr/lib/os-release', 'file-special'],
    ['a unit file is a FIFO', 'usr/lib/systemd/system/bad.service', 'file-special'],
    ['a drop-in is a FIFO', 'usr/lib/systemd/system/bad.service.d/10-x.conf', 'file-special'],
    ['the unit directory is a FIFO', 'usr/lib/systemd/system', 'file-special'],
  ];
  for (const [what, rel, code] of cases) {
    it(`${what}: skipped with ${code}, never blocks`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      mkfifo(join(bad, rel));
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      const r = generate(sb, { maxMs: 5000 });
      expectIsolated(sb, r, 'good', 'bad', code);
    });
  }

  it('a FIFO elsewhere in the package is never opened, even for the digest', async () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const other = goodPackage(sb, 'other');
    mkfifo(join(other, 'var/lib/other/pipe'));
    const { packageDigest } = await import('../../sdk/digest.ts');
    writeMetadata(sb, [{ name: 'good' }, { name: 'other', digest: packageDigest(other) }]);
    const r = generate(sb, { maxMs: 5000 });
    expect(service(r.status, 'other').state).toBe('enabled');
    expect(service(r.status, 'good').state).toBe('enabled');
  });

  it('the package source itself is a FIFO', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    mkfifo(sb.host('/run/composable/store/bad'));
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    const r = generate(sb, { maxMs: 5000 });
    expectIsolated(sb, r, 'good', 'bad', 'source-unsupported');
  });

  it('metadata.json is a FIFO: status says unreadable, is written, nothing blocks', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    mkfifo(sb.host('/run/composable/metadata.json'));
    const r = generate(sb, { maxMs: 5000 });
    expect(r.status.metadata.state).toBe('invalid');
    expect(r.status.metadata.reasons?.map((x) => x.code)).toEqual(['metadata-unreadable']);
    expect(r.status.metadata.reasons?.[0]?.message).toMatch(/FIFO/);
  });

  it('lint of a package or of metadata naming it, with FIFOs inside: never blocks', async () => {
    sb = sandbox();
    const bad = goodPackage(sb, 'bad');
    mkfifo(join(bad, 'usr/lib/os-release'));
    mkfifo(join(bad, 'usr/lib/systemd/system/bad-x.service'));
    writeMetadata(sb, [{ name: 'bad', digest: `sha256:${'0'.repeat(64)}` }]);
    const { lint } = await import('../../lint/engine.ts');
    const t0 = performance.now();
    await lint([bad]);
    await lint([sb.host('/run/composable/metadata.json')]);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
