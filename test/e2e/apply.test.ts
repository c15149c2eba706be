// Scenario e: the agent changes the metadata of a running container and runs `composable apply`.
import { describe, expect, it } from 'vitest';
import { parseShow } from '../harness/nspawn.ts';
import { buildPackage, daemonPackage, serviceEntry } from './packages.ts';
import { BOOT_TIMEOUT, useBoots } from './suite.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'real-systemd apply tests');

describe.skipIf(missing.length > 0)('composable apply in a running container', () => {
  const boot = useBoots();

  it(
    'e: adds, removes and changes sidecars; the untouched one keeps running',
    async () => {
      const alpha = buildPackage(daemonPackage('alpha', 'early'));
      const beta = buildPackage(daemonPackage('beta', 'default'));
      const gamma = buildPackage(daemonPackage('gamma', 'late'));
      const delta = buildPackage(daemonPackage('delta', 'late'));
      const v1 = {
        schemaVersion: 1,
        services: [
          serviceEntry(alpha, 'alpha'),
          serviceEntry(beta, 'beta', { environment: { MODE: 'one' } }),
          serviceEntry(gamma, 'gamma'),
        ],
      };
      const v2 = {
        schemaVersion: 1,
        services: [
          serviceEntry(alpha, 'alpha'),
          serviceEntry(beta, 'beta', { environment: { MODE: 'two' } }),
          serviceEntry(delta, 'delta', { after: ['beta'] }),
        ],
      };
      const b = await boot({
        packages: [alpha, beta, gamma, delta],
        metadata: v1,
        runFiles: { 'next/metadata.json': JSON.stringify(v2) },
        probe: `for u in alpha beta gamma delta; do systemctl show -p ActiveState,MainPID $u.service > /results/$u.service.before; done
# The agent's change: a new metadata file, renamed into place.
cp /run/composable/next/metadata.json /run/composable/metadata.json.tmp && mv /run/composable/metadata.json.tmp /run/composable/metadata.json
rc=0; composable apply > /results/apply.out 2>&1 || rc=$?; echo $rc > /results/apply.rc
for u in alpha beta gamma delta; do systemctl show -p ActiveState,SubState,Result,MainPID,LoadState $u.service > /results/$u.service.after; done
tr '\\0' '\\n' < /proc/$(systemctl show -p MainPID --value beta.service)/environ > /results/beta.env
NO_COLOR=1 composable status > /results/status.out 2>&1 || true
`,
      });
      const before = (u: string) => parseShow(b.read(`${u}.service.before`));
      const after = (u: string) => parseShow(b.read(`${u}.service.after`));
      expect(b.read('apply.rc').trim(), `${b.read('apply.out')}\n${b.console}`).toBe('0');
      expect(before('alpha').ActiveState).toBe('active');
      expect(before('gamma').ActiveState).toBe('active');
      expect(before('delta').ActiveState).toBe('inactive');
      // Exactly the new set runs.
      expect(after('alpha').ActiveState).toBe('active');
      expect(after('beta').ActiveState).toBe('active');
      expect(after('delta').ActiveState).toBe('active');
      expect(after('gamma').ActiveState).not.toBe('active');
      // The untouched one was never restarted; the changed one was, with its new environment.
      expect(after('alpha').MainPID).toBe(before('alpha').MainPID);
      expect(after('beta').MainPID).not.toBe(before('beta').MainPID);
      expect(b.read('beta.env').split('\n')).toContain('MODE=two');
      const out = b.read('apply.out');
      expect(out).toMatch(/stop\s+gamma\.service/);
      expect(out).toMatch(/restart\s+.*beta\.service/);
      expect(out).toMatch(/start\s+delta\.service/);
      expect(out).toMatch(/unchanged\s+.*alpha\.service/);
      // composable status sees the new set with live states.
      const status = b.read('status.out');
      expect(status).toMatch(/● delta 1\.0\.0 {2}composable-late\.target {2}mode=host\n {4}delta\.service +active \(running\)/);
      expect(status).not.toContain('gamma');
    },
    BOOT_TIMEOUT,
  );

  it(
    'exits non-zero naming a unit that fails to start, with its journal',
    async () => {
      const ok = buildPackage(daemonPackage('steady', 'default'));
      const bad = buildPackage({
        name: 'broken',
        files: { 'usr/bin/broken': '#!/bin/sh\necho "broken: cannot find my config" >&2\nexit 3\n' },
        units: { 'broken.service': '[Service]\nType=exec\nExecStart=/usr/bin/broken\n\n[Install]\nWantedBy=multi-user.target\n' },
      });
      const v2 = { schemaVersion: 1, services: [serviceEntry(ok, 'steady'), serviceEntry(bad, 'broken')] };
      const b = await boot({
        packages: [ok, bad],
        metadata: { schemaVersion: 1, services: [serviceEntry(ok, 'steady')] },
        runFiles: { 'next/metadata.json': JSON.stringify(v2) },
        probe: `cp /run/composable/next/metadata.json /run/composable/metadata.json
rc=0; composable apply > /results/apply.out 2>&1 || rc=$?; echo $rc > /results/apply.rc
`,
      });
      expect(b.read('apply.rc').trim(), b.read('apply.out')).toBe('1');
      expect(b.read('apply.out')).toMatch(/FAILED broken\.service: (failed|inactive) \(exit-code\)/);
      expect(b.read('apply.out')).toContain('broken: cannot find my config');
    },
    BOOT_TIMEOUT,
  );
});
