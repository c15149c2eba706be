// The harness itself: a boot that hangs is killed at its timeout, and nothing a boot started
// (processes, mounts, temporary directories) outlives it on the host.
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bootContainer } from './nspawn.ts';
import { useBoots } from './suite.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'real-systemd harness tests');

const mounts = (): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ').slice(3, 5).join(' ')).sort();
async function nspawnProcesses(): Promise<string> {
  // e2e files run one at a time (vitest.config.ts), so any nspawn left now is ours.
  const r = await execa('pgrep', ['-a', 'systemd-nspawn'], { reject: false });
  return r.stdout.trim();
}

describe.skipIf(missing.length > 0)('the nspawn harness', () => {
  useBoots();

  it('leaves no mount, process or temporary directory behind', async () => {
    const before = mounts();
    const b = await bootContainer({ probe: 'echo hello > /results/hello\n', metadata: { schemaVersion: 1, services: [] } });
    expect(b.read('hello')).toBe('hello\n');
    expect(b.exitCode).toBe(0);
    b.cleanup();
    expect(existsSync(b.resultsDir)).toBe(false);
    expect(mounts()).toEqual(before);
    expect(await nspawnProcesses()).toBe('');
  }, 90_000);

  it('kills a boot that does not finish at its timeout and says so', async () => {
    const before = mounts();
    // A probe that never ends, and a unit that holds up shutdown: only killing the container helps.
    const b = await bootContainer({
      probe: 'sleep 601\n',
      units: { 'e2e-stubborn.service': '[Service]\nExecStart=/bin/sleep 602\nExecStop=/bin/sleep 603\nTimeoutStopSec=infinity\n' },
      enable: [{ unit: 'e2e-stubborn.service', wantedBy: 'multi-user.target' }],
      timeoutMs: 5_000,
    });
    try {
      expect(b.timedOut).toBe(true);
      expect(b.durationMs).toBeLessThan(20_000);
    } finally {
      b.cleanup();
    }
    expect(mounts()).toEqual(before);
    expect(await nspawnProcesses()).toBe('');
    // Nothing of the container survives either.
    const left = await execa('pgrep', ['-f', 'sleep 60[123]'], { reject: false });
    expect(left.stdout.trim()).toBe('');
  }, 60_000);
});
