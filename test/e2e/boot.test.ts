// The product proven in a real container: systemd as PID 1 runs composable-generator at boot
// and starts the sidecars. Needs root, systemd-nspawn and debootstrap (see README).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShow, REPO } from '../harness/nspawn.ts';
import { BOOT_TIMEOUT, useBoots } from './suite.ts';
import { buildPackage, busyboxChrootPackage, daemonPackage, serviceEntry } from './packages.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'real-systemd e2e tests');

/** Probe helper: print a unit's journal once it contains a text (journald reads streams asynchronously). */
const WAITLOG =
  `waitlog() { for i in $(seq 1 50); do journalctl -u "$1" -o cat --no-pager | grep -q "$2" && ` +
  `break; sleep 0.1; done; journalctl -u "$1" -o cat --no-pager; }\n`;

const show = (unit: string, file = unit): string =>
  `systemctl show -p ActiveState,SubState,Result,MainPID,ExecMainStatus,ActiveEnterTimestampMonotonic,InactiveEnterTimestampMonotonic,NRestarts,LoadState,FragmentPath,DropInPaths,NeedDaemonReload ` +
  `${unit} > /results/${file}.show\n`;

describe.skipIf(missing.length > 0)('real systemd in systemd-nspawn', () => {
  const boot = useBoots();

  it(
    'a: early, default and late packages start in that order and run from their mount paths',
    async () => {
      const pkgs = [
        buildPackage(daemonPackage('first', 'early')),
        buildPackage(daemonPackage('second', 'default')),
        buildPackage(daemonPackage('third', 'late')),
      ];
      const b = await boot({
        packages: pkgs,
        metadata: {
          schemaVersion: 1,
          services: [serviceEntry(pkgs[2]!, 'third'), serviceEntry(pkgs[0]!, 'first'), serviceEntry(pkgs[1]!, 'second')],
        },
        probe: `${show('first.service')}${show('second.service')}${show('third.service')}
for s in first second third; do tr '\\0' ' ' < /proc/$(systemctl show -p MainPID --value $s.service)/cmdline > /results/$s.cmdline; done
findmnt -n -o SOURCE,TARGET,OPTIONS /opt/composable/first > /results/first.mount || true
systemctl show -p ActiveState --value multi-user.target > /results/multi-user
systemctl show -p NeedDaemonReload --value opt-composable-first.mount > /results/mount-reload
systemctl status first.service > /results/first.status 2>&1 || true
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
      expect(first.DropInPaths).toContain('/run/systemd/generator/first.service.d/zz-composable.conf');
      // SourcePath= names the metadata, which exists before boot: nothing looks changed on disk.
      for (const s of [first, second, third]) expect(s.NeedDaemonReload).toBe('no');
      expect(b.read('mount-reload').trim()).toBe('no');
      expect(b.read('first.status')).not.toContain('changed on disk');
      expect(b.read('multi-user').trim()).toBe('active');
      expect(b.read('failed')).toBe('');
    },
    BOOT_TIMEOUT,
  );
});

describe.skipIf(missing.length > 0)('real systemd in systemd-nspawn: more scenarios', () => {
  const boot = useBoots();

  it(
    'b: a timer package fires its service',
    async () => {
      const pkg = buildPackage({
        name: 'tick',
        files: { 'usr/bin/tick': '#!/bin/sh\necho "tick ran from $0"\n' },
        units: {
          'tick.service': '[Unit]\nDescription=tick\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/tick\n',
          'tick.timer':
            '[Unit]\nDescription=tick timer\n\n[Timer]\nOnActiveSec=1s\nAccuracySec=100ms\n\n[Install]\nWantedBy=timers.target\n',
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
    },
    BOOT_TIMEOUT,
  );

  it(
    'c: a chroot-mode package runs with RootDirectory= and still logs to the journal',
    async () => {
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
    },
    BOOT_TIMEOUT,
  );
});

describe.skipIf(missing.length > 0)('real systemd in systemd-nspawn: isolation, credentials, shutdown, profiles', () => {
  const boot = useBoots();

  it(
    'd: broken packages are skipped with their reasons, the good one runs, boot reaches multi-user.target',
    async () => {
      const store = join(REPO, 'test/golden/cases/skip-reasons/root/run/composable/store');
      const golden = JSON.parse(readFileSync(join(REPO, 'test/golden/cases/skip-reasons/root/run/composable/metadata.json'), 'utf8')) as {
        services: { name: string; source: string }[];
      };
      // The symlink and image cases are about host paths and are covered by the golden test.
      const services = golden.services.filter((s) => !['escape', 'image'].includes(s.name));
      const packages = [...new Set(services.map((s) => s.source.split('/').pop()!))]
        .filter((n) => existsSync(join(store, n)))
        .map((n) => ({ dir: join(store, n), storeName: n }));
      const b = await boot({
        packages,
        metadata: { schemaVersion: 1, services },
        probe: `${show('good.service')}
systemctl show -p ActiveState --value multi-user.target > /results/multi-user
systemctl list-units --failed --no-legend --plain > /results/failed
`,
      });
      expect(parseShow(b.read('good.service.show')).ActiveState, b.console).toBe('active');
      // The container has no /dev/kmsg, so the generator logged each skip to the console.
      expect(b.console).toMatch(
        /composable-generator\[\d+\]: missing skipped: source \/run\/composable\/store\/missing-1\.0\.0 cannot be used/,
      );
      expect(b.read('multi-user').trim()).toBe('active');
      expect(b.read('failed')).toBe('');
      const status = JSON.parse(readFileSync(join(b.runDir, 'status.json'), 'utf8')) as {
        services: { name: string; state: string; reasons?: { code: string }[] }[];
      };
      const codes: Record<string, string> = {};
      for (const s of status.services) codes[s.name] ??= s.state === 'enabled' ? 'enabled' : ((s.reasons ?? [])[0]?.code ?? 'none');
      // The second "good" entry is the duplicate.
      expect(status.services.filter((s) => s.name === 'good').map((s) => s.state)).toEqual(['enabled', 'skipped']);
      expect(codes).toMatchObject({
        good: 'enabled',
        missing: 'source-missing',
        wrongname: 'name-mismatch',
        oldversion: 'version-mismatch',
        tampered: 'digest-mismatch',
        noosrelease: 'os-release-missing',
        badosrelease: 'os-release-syntax',
        badunit: 'unit-parse-error',
        noprefix: 'unit-prefix',
        // clash-b claims clash-a's prefix: refused before the two could conflict, so clash-a runs.
        'clash-a': 'enabled',
        'clash-b': 'prefix-owned-by-package',
        orphan: 'after-unknown',
        'cycle-a': 'after-cycle',
        'cycle-b': 'after-cycle',
        leaky: 'credential-outside',
        missingunit: 'unit-not-found',
      });
    },
    BOOT_TIMEOUT,
  );

  it(
    'f: a credential reaches its service through $CREDENTIALS_DIRECTORY and never lands in a generated file',
    async () => {
      const secret = `s3cret-${process.pid}-${Date.now()}`;
      const pkg = buildPackage({
        name: 'vault',
        units: {
          'vault.service':
            '[Unit]\nAfter=results.mount\n\n[Service]\nExecStart=/bin/sh -c \'cat "$CREDENTIALS_DIRECTORY/token" ' +
            '> /results/seen; echo "$CREDENTIALS_DIRECTORY" > /results/creds-dir; exec sleep infinity\'\n' +
            '\n[Install]\nWantedBy=multi-user.target\n',
        },
      });
      const b = await boot({
        packages: [pkg],
        credentials: [{ service: 'vault', name: 'token', content: secret }],
        metadata: {
          schemaVersion: 1,
          services: [serviceEntry(pkg, 'vault', { credentials: { token: '/run/composable/credentials/vault/token' } })],
        },
        probe: `for i in $(seq 1 50); do [ -s /results/seen ] && break; sleep 0.1; done
${show('vault.service')}
grep -rl "${secret}" /run/systemd/generator > /results/leaks || true
journalctl -o cat --no-pager | grep -c "${secret}" > /results/journal-leaks || true
`,
      });
      expect(parseShow(b.read('vault.service.show')).ActiveState, b.console).toBe('active');
      expect(b.read('seen')).toBe(secret);
      expect(b.read('creds-dir').trim()).toBe('/run/credentials/vault.service');
      expect(b.read('leaks')).toBe('');
      expect(b.read('journal-leaks').trim()).toBe('0');
    },
    BOOT_TIMEOUT,
  );

  it(
    'g: poweroff stops the sidecars in reverse target order with no unit failed',
    async () => {
      const pkgs = [
        buildPackage(daemonPackage('first', 'early')),
        buildPackage(daemonPackage('second', 'default')),
        buildPackage(daemonPackage('third', 'late')),
      ];
      const b = await boot({
        packages: pkgs,
        metadata: { schemaVersion: 1, services: pkgs.map((p, i) => serviceEntry(p, ['first', 'second', 'third'][i]!)) },
        // A recorder started before the sidecars is stopped after them: it sees what shutdown left.
        units: {
          'e2e-recorder.service': `[Unit]
DefaultDependencies=no
RequiresMountsFor=/results
Conflicts=shutdown.target
Before=shutdown.target composable-early.target first.service second.service third.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/bin/sh -c 'systemctl list-units --failed --no-legend --plain > /results/failed-at-stop; for s in first second third; do echo "$(systemctl show -p ActiveState --value $s.service) $(systemctl show -p Result --value $s.service)" >> /results/states-at-stop; done'
`,
        },
        enable: [{ unit: 'e2e-recorder.service', wantedBy: 'multi-user.target' }],
        probe: `${show('third.service')}\n`,
      });
      expect(parseShow(b.read('third.service.show')).ActiveState, b.console).toBe('active');
      expect(b.read('stops').split('\n').filter(Boolean)).toEqual(['third', 'second', 'first']);
      expect(b.read('failed-at-stop')).toBe('');
      expect(
        b
          .read('states-at-stop')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.trim()),
      ).toEqual(['inactive success', 'inactive success', 'inactive success']);
    },
    BOOT_TIMEOUT,
  );

  it(
    'h: a strict-profile service cannot open a network socket, a default one can; metadata capabilities hold',
    async () => {
      const netProbe = (name: string): string =>
        `#!/bin/sh\nnode -e 'require("net").createServer().on("error", e => { require("fs").writeFileSync("/run/${name}/${name}.net", ` +
        `"error " + e.code); process.exit(0) }).listen(0, "127.0.0.1", () => { require("fs").writeFileSync("/run/${name}/${name}.net", ` +
        `"listening"); process.exit(0) })'\ngrep ^Cap /proc/self/status > /run/${name}/${name}.caps\nexec ` +
        `sleep infinity\n`;
      const unit = (name: string): string =>
        // The services write into their own RuntimeDirectory= (a path outside the package is
        // refused); the probe, outside any sandbox, copies what they wrote to /results.
        `[Service]\nExecStart=/usr/bin/${name}\nRuntimeDirectory=${name}\n` + `\n[Install]\nWantedBy=multi-user.target\n`;
      const strict = buildPackage({
        name: 'locked',
        files: { 'usr/bin/locked': netProbe('locked') },
        units: { 'locked.service': unit('locked') },
      });
      const open = buildPackage({ name: 'open', files: { 'usr/bin/open': netProbe('open') }, units: { 'open.service': unit('open') } });
      const b = await boot({
        packages: [strict, open],
        metadata: {
          schemaVersion: 1,
          services: [
            serviceEntry(strict, 'locked', { profile: 'strict' }),
            serviceEntry(open, 'open', { profile: 'default', user: 'nobody', capabilities: ['CAP_NET_BIND_SERVICE'] }),
          ],
        },
        probe: `for i in $(seq 1 100); do [ -s /run/locked/locked.caps ] && [ -s /run/open/open.caps ] && break; sleep 0.1; done
cp /run/locked/locked.* /run/open/open.* /results/ || true
${show('locked.service')}${show('open.service')}`,
      });
      expect(parseShow(b.read('open.service.show')).ActiveState, b.console).toBe('active');
      expect(b.read('open.net')).toBe('listening');
      expect(b.read('locked.net')).toMatch(/^error EAFNOSUPPORT/);
      // CAP_NET_BIND_SERVICE is bit 10: the bounding and ambient sets hold exactly it.
      const caps = Object.fromEntries(
        b
          .read('open.caps')
          .trim()
          .split('\n')
          .map((l) => l.split(/:\s+/) as [string, string]),
      );
      expect(caps.CapBnd).toBe('0000000000000400');
      expect(caps.CapAmb).toBe('0000000000000400');
      expect(caps.CapEff).toBe('0000000000000400');
      const lockedCaps = Object.fromEntries(
        b
          .read('locked.caps')
          .trim()
          .split('\n')
          .map((l) => l.split(/:\s+/) as [string, string]),
      );
      expect(lockedCaps.CapBnd).toBe('0000000000000000');
    },
    BOOT_TIMEOUT,
  );
});

const missingForImages = missingRequirements(
  [requirement.root, requirement.nspawn, requirement.debootstrap, requirement.mksquashfs, requirement.loopDevices],
  'real-systemd image tests',
);

describe.skipIf(missingForImages.length > 0)('real systemd in systemd-nspawn: image packages', () => {
  const boot = useBoots();

  it(
    'i: a package given as a squashfs image is loop-mounted read-only and runs from it',
    async () => {
      const pkg = buildPackage(daemonPackage('imaged', 'default'));
      const image = `${pkg.dir}.squashfs`;
      execFileSync('mksquashfs', [pkg.dir, image, '-noappend', '-all-root', '-no-xattrs', '-comp', 'gzip', '-quiet', '-no-progress'], {
        stdio: 'ignore',
      });
      try {
        const b = await boot({
          loopDevices: true,
          packages: [{ dir: image, storeName: 'imaged-1.0.0.squashfs' }],
          metadata: { schemaVersion: 1, services: [{ name: 'imaged', source: '/run/composable/store/imaged-1.0.0.squashfs' }] },
          probe: `${show('imaged.service')}${show('opt-composable-imaged.mount', 'mount')}
findmnt -n -o FSTYPE,OPTIONS /opt/composable/imaged > /results/findmnt
tr '\\0' ' ' < /proc/$(systemctl show -p MainPID --value imaged.service)/cmdline > /results/cmdline
`,
        });
        expect(parseShow(b.read('imaged.service.show')).ActiveState, b.console).toBe('active');
        expect(parseShow(b.read('mount.show')).ActiveState).toBe('active');
        expect(b.read('findmnt')).toMatch(/^squashfs\s+ro,nosuid,nodev/);
        expect(b.read('cmdline')).toContain('/opt/composable/imaged/usr/bin/imaged');
        // Shutdown unmounted the image and released its loop device.
        const loops = await execa('losetup', ['-j', image], { reject: false });
        expect(loops.stdout.trim()).toBe('');
      } finally {
        rmSync(image, { force: true });
      }
    },
    BOOT_TIMEOUT,
  );
});
