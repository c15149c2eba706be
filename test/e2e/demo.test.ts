// The README's main command, booting for real: the examples run in a systemd container.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useBoots } from './suite.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'demo --boot test');
const CLI = join(import.meta.dirname, '../../dist/composable.mjs');

describe.skipIf(missing.length > 0)('composable demo --boot', () => {
  useBoots(); // builds the root file system once and checks the bundles exist

  it('shows the example sidecars running inside a real container', async () => {
    const r = await execa('node', [CLI, 'demo', '--boot'], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/logship\.service +active \(running\)/);
    expect(r.stdout).toMatch(/health\.service +active \(running\)/);
    // The timer is armed; it reads "running" for the moment its service runs (timer.c: TIMER_RUNNING
    // until the triggered unit stops), which the boot-time cleanup may just be doing.
    expect(r.stdout).toMatch(/cleanup\.timer +active \((waiting|running)\)/);
    // The chroot example, in its own root.
    expect(r.stdout).toMatch(/heartbeat\.service +active \(running\)/);
    expect(r.stdout).toContain('GET http://127.0.0.1:8081/healthz from inside: 200 {"status":"ok"');
  }, 180_000);
});
