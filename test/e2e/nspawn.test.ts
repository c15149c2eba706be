// The harness itself: a boot that hangs is killed at its timeout, and nothing a boot started
// (processes, mounts, temporary directories) outlives it on the host.
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bootContainer } from '../harness/nspawn.ts';
import { useBoots } from './suite.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'real-systemd harness tests');

/** Host mounts of a boot's files (its work directory or the cached root); other containers' mounts do not count. */
const mounts = (): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ').slice(3, 5).join(' '))
    .filter((m) => m.includes('composable'))
    .sort();
/** This boot's nspawn, found by its own work directory, so other containers on the machine do not count. */
async function nspawnProcesses(workDir: string): Promise<string> {
  const r = await execa('pgrep', ['-a', '-f', `systemd-nspawn .*${workDir}`], { reject: false });
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
    expect(await nspawnProcesses(b.workDir)).toBe('');
  }, 90_000);

  it('kills a boot that does not finish at its timeout and says so', async () => {
    const before = mounts();
    // Durations unique to this run, so the check below finds this container's processes only.
    const token = String(process.pid).padStart(6, '0');
    const sleeps = [1, 2, 3].map((n) => `60${n}.${token}`);
    // A probe that never ends, and a unit that holds up shutdown: only killing the container helps.
    const b = await bootContainer({
      probe: `sleep ${sleeps[0]}\n`,
      units: {
        'e2e-stubborn.service': `[Service]\nExecStart=/bin/sleep ${sleeps[1]}\nExecStop=/bin/sleep ${sleeps[2]}\nTimeoutStopSec=infinity\n`,
      },
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
    expect(await nspawnProcesses(b.workDir)).toBe('');
    // Nothing of the container survives either.
    const left = await execa('pgrep', ['-f', `sleep (${sleeps.join('|')})`], { reject: false });
    expect(left.stdout.trim()).toBe('');
  }, 60_000);
});
