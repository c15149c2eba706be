// The podman harness itself: its image boots systemd in an unprivileged container with the
// generator installed, a container whose boot hangs is killed at its time limit, and nothing the
// harness started outlives a test, while containers that are not the harness's are left alone.
// Run one at a time: flock /tmp/composable-containers.lock npx vitest run test/e2e/podman-harness.test.ts
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST } from '../harness/nspawn.ts';
import {
  ensureSystemdImage,
  harnessContainers,
  HARNESS_LABEL,
  removeHarnessContainers,
  startContainer,
  withContainer,
} from '../harness/podman.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.podman, requirement.debootstrap], 'podman harness tests');

const CAP_SYS_ADMIN = 21n;
const containerExists = async (name: string): Promise<boolean> =>
  (await execa('podman', ['container', 'exists', name], { reject: false })).exitCode === 0;

describe.skipIf(missing.length > 0)('the podman harness', () => {
  let image = '';
  const work: string[] = [];
  beforeAll(async () => {
    if (!existsSync(join(DIST, 'composable-generator.cjs'))) throw new Error('run `npm run build` first (npm test does)');
    image = await ensureSystemdImage();
  }, 20 * 60_000);
  afterAll(async () => {
    await removeHarnessContainers();
    for (const d of work) rmSync(d, { recursive: true, force: true });
  });

  it('boots systemd without privileges, with node, the generator and the CLI installed, and removes the container', async () => {
    let name = '';
    await withContainer({ image, timeoutMs: 90_000 }, async (c) => {
      name = c.name;
      expect(await c.waitForSystemd()).toBe('running');
      const caps = (await c.exec(['grep', '^CapEff:', '/proc/1/status'])).stdout.split(/\s+/)[1]!;
      expect((BigInt(`0x${caps}`) >> CAP_SYS_ADMIN) & 1n).toBe(0n);
      // The generator ran at boot: with no metadata it writes its ordering targets only.
      expect((await c.exec(['systemctl', 'is-active', 'composable.target'])).stdout.trim()).toBe('active');
      const status = JSON.parse((await c.exec(['cat', '/run/composable/status.json'])).stdout) as { metadata: { state: string } };
      expect(status.metadata.state).toBe('absent');
      expect((await c.exec(['composable', 'status'])).exitCode).toBe(0);
      expect((await c.exec(['node', '-e', 'process.stdout.write(process.version)'])).stdout).toBe(process.version);
    });
    expect(await containerExists(name)).toBe(false);
    expect(await harnessContainers()).toEqual([]);
  }, 120_000);

  it('kills a container whose boot hangs at its time limit, and leaves nothing of it running', async () => {
    // A unit that holds up boot for good: is-system-running --wait never returns.
    const units = mkdtempSync(join(tmpdir(), 'composable-podman-units-'));
    work.push(units);
    writeFileSync(join(units, 'e2e-hang.service'), '[Service]\nType=oneshot\nExecStart=/bin/sleep 6011\nTimeoutStartSec=infinity\n');
    mkdirSync(join(units, 'multi-user.target.wants'));
    symlinkSync('../e2e-hang.service', join(units, 'multi-user.target.wants', 'e2e-hang.service'));
    const started = Date.now();
    const c = await startContainer({
      image,
      timeoutMs: 8_000,
      args: ['--mount', `type=bind,source=${units},target=/run/systemd/system,ro=true`],
    });
    try {
      await expect(c.waitForSystemd(60_000)).rejects.toThrow(/killed at its time limit/);
      expect(c.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await c.remove();
    }
    expect(await containerExists(c.name)).toBe(false);
    const left = await execa('pgrep', ['-f', 'sleep 6011'], { reject: false });
    expect(left.stdout.trim()).toBe('');
  }, 90_000);

  it('cleans up only its own containers', async () => {
    const other = `composable-not-ours-${process.pid}`;
    await execa('podman', ['create', '--name', other, '--label', `${HARNESS_LABEL}=someone-else`, image, '/bin/true']);
    try {
      await removeHarnessContainers();
      expect(await containerExists(other)).toBe(true);
    } finally {
      await execa('podman', ['rm', '--force', '--ignore', other], { reject: false });
    }
  }, 60_000);
});
