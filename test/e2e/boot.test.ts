// The product proven in a real container: systemd as PID 1 runs composable-generator at boot
// and starts the sidecars. Needs root, systemd-nspawn and debootstrap (see README).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, ensureRootfs, parseShow, DIST, type BootResult } from './nspawn.ts';
import { buildPackage, busyboxChrootPackage, daemonPackage, serviceEntry } from './packages.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'real-systemd e2e tests');
const BOOT_TIMEOUT = 90_000;

/** Probe helper: print a unit's journal once it contains a text (journald reads streams asynchronously). */
const WAITLOG = `waitlog() { for i in $(seq 1 50); do journalctl -u "$1" -o cat --no-pager | grep -q "$2" && break; sleep 0.1; done; journalctl -u "$1" -o cat --no-pager; }\n`;

const show = (unit: string, file = unit): string =>
  `systemctl show -p ActiveState,SubState,Result,MainPID,ExecMainStatus,ActiveEnterTimestampMonotonic,InactiveEnterTimestampMonotonic,NRestarts,LoadState,FragmentPath,DropInPaths ${unit} > /results/${file}.show\n`;

describe.skipIf(missing.length > 0)('real systemd in systemd-nspawn', () => {
  const boots: BootResult[] = [];
  beforeAll(async () => {
    if (!existsSync(`${DIST}/composable-generator.mjs`)) throw new Error('run `npm run build` first (npm test does)');
    await ensureRootfs();
  }, 20 * 60_000);
  afterAll(() => {
    for (const b of boots) b.cleanup();
  });
  const boot = async (opts: Parameters<typeof bootContainer>[0]): Promise<BootResult> => {
    const b = await bootContainer(opts);
    boots.push(b);
    if (b.timedOut) throw new Error(`boot timed out after ${b.durationMs} ms; console:\n${b.console}`);
    return b;
  };

  it('a: early, default and late packages start in that order and run from their mount paths', async () => {
    const pkgs = [buildPackage(daemonPackage('first', 'early')), buildPackage(daemonPackage('second', 'default')), buildPackage(daemonPackage('third', 'late'))];
    const b = await boot({
      packages: pkgs,
      metadata: { schemaVersion: 1, services: [serviceEntry(pkgs[2]!, 'third'), serviceEntry(pkgs[0]!, 'first'), serviceEntry(pkgs[1]!, 'second')] },
      probe: `${show('first.service')}${show('second.service')}${show('third.service')}
for s in first second third; do tr '\\0' ' ' < /proc/$(systemctl show -p MainPID --value $s.service)/cmdline > /results/$s.cmdline; done
findmnt -n -o SOURCE,TARGET,OPTIONS /opt/composable/first > /results/first.mount || true
systemctl show -p ActiveState --value multi-user.target > /results/multi-user
systemctl list-units --failed --no-legend --plain > /results/failed
`,
    });
    const first = parseShow(b.read('first.service.show'));
    const second = parseShow(b.read('second.service.show'));
    const third = parseShow(b.read('third.service.show'));
    for (const s of [first, second, third]) expect(s.ActiveState, b.console).toBe('active');
    expect(Number(first.ActiveEnterTimestampMonotonic)).toBeLessThan(Number(second.ActiveEnterTimestampMonotonic));
    expect(Number(second.ActiveEnterTimestampMonotonic)).toBeLessThan(Number(third.ActiveEnterTimestampMonotonic));
    expect(b.read('first.cmdline')).toContain('/opt/composable/first/usr/bin/first');
    expect(b.read('first.mount')).toMatch(/\/opt\/composable\/first\s+ro,nosuid,nodev/);
    expect(first.FragmentPath).toBe('/run/systemd/generator/first.service');
    expect(first.DropInPaths).toContain('/run/systemd/generator/first.service.d/50-composable.conf');
    expect(b.read('multi-user').trim()).toBe('active');
    expect(b.read('failed')).toBe('');
  }, BOOT_TIMEOUT);
});

describe.skipIf(missing.length > 0)('real systemd in systemd-nspawn: more scenarios', () => {
  const boots: BootResult[] = [];
  beforeAll(async () => {
    await ensureRootfs();
  }, 20 * 60_000);
  afterAll(() => {
    for (const b of boots) b.cleanup();
  });
  const boot = async (opts: Parameters<typeof bootContainer>[0]): Promise<BootResult> => {
    const b = await bootContainer(opts);
    boots.push(b);
    if (b.timedOut) throw new Error(`boot timed out after ${b.durationMs} ms; console:\n${b.console}`);
    return b;
  };

  it('b: a timer package fires its service', async () => {
    const pkg = buildPackage({
      name: 'tick',
      files: { 'usr/bin/tick': '#!/bin/sh\necho "tick ran from $0"\n' },
      units: {
        'tick.service': '[Unit]\nDescription=tick\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/tick\n',
        'tick.timer': '[Unit]\nDescription=tick timer\n\n[Timer]\nOnActiveSec=1s\nAccuracySec=100ms\n\n[Install]\nWantedBy=timers.target\n',
      },
    });
    const b = await boot({
      packages: [pkg],
      metadata: { schemaVersion: 1, services: [serviceEntry(pkg, 'tick')] },
      probe: `${WAITLOG}for i in $(seq 1 100); do [ "$(systemctl show -p ExecMainStatus --value tick.service)" = 0 ] && [ "$(systemctl show -p ExecMainStartTimestampMonotonic --value tick.service)" != 0 ] && break; sleep 0.1; done
${show('tick.service')}${show('tick.timer')}
waitlog tick.service 'tick ran from' > /results/tick.log
`,
    });
    const svc = parseShow(b.read('tick.service.show'));
    expect(parseShow(b.read('tick.timer.show')).ActiveState, b.console).toBe('active');
    expect(svc.Result).toBe('success');
    expect(svc.ExecMainStatus).toBe('0');
    expect(b.read('tick.log')).toContain('tick ran from /opt/composable/tick/usr/bin/tick');
  }, BOOT_TIMEOUT);

  it('c: a chroot-mode package runs with RootDirectory= and still logs to the journal', async () => {
    const pkg = busyboxChrootPackage('jail');
    const b = await boot({
      packages: [pkg],
      metadata: { schemaVersion: 1, services: [serviceEntry(pkg, 'jail')] },
      probe: `${WAITLOG}${show('jail.service')}
systemctl show -p RootDirectory --value jail.service > /results/rootdir
ls /proc/$(systemctl show -p MainPID --value jail.service)/root/ > /results/jail-root
waitlog jail.service 'hello from the chroot' > /results/jail.log
`,
    });
    expect(parseShow(b.read('jail.service.show')).ActiveState, b.console).toBe('active');
    expect(b.read('rootdir').trim()).toBe('/opt/composable/jail');
    // The process's root is the package: the package's top level, not the container's.
    expect(b.read('jail-root').split('\n').filter(Boolean)).toEqual(['bin', 'dev', 'etc', 'proc', 'run', 'sys', 'tmp', 'usr', 'var']);
    expect(b.read('jail.log')).toContain('jail: hello from the chroot');
  }, BOOT_TIMEOUT);
});
