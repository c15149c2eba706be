// Hostile packages, round 2 (issue 26): directives that make PID 1 itself, as root and before any
// sandbox, open, create or remove a path outside the package, act on the whole system, or start
// and stop units the package does not own. Each is refused under a non-trusted profile with a
// reason naming the file and line, while the good package beside it is generated as without it;
// the same package under the trusted profile (the host's decision) is enabled.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGeneratorInput } from '../../generator/input/read-input.ts';
import { planGeneration } from '../../generator/plan/plan-generation.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';
import { buildRoot, codesOf, goodPackage, packageWith, runBesideGood, runHostile, withWork, type HostilePackage } from './units-harness.ts';

const service = (name: string, extra = ''): string =>
  `[Service]\nExecStart=/usr/bin/${name}\n${extra}\n[Install]\nWantedBy=multi-user.target\n`;

function expectRefused(evil: HostilePackage, code: string, file = `usr/lib/systemd/system/${evil.name}.service`): void {
  const { run, baseline } = runBesideGood(evil);
  expect(run.service('good').state).toBe('enabled');
  const s = run.service(evil.name);
  expect(s.state).toBe('skipped');
  expect(codesOf(s)).toContain(code);
  const reason = s.reasons!.find((r) => r.code === code)!;
  expect(reason.file).toBe(file);
  expect(reason.line).toBeGreaterThan(0);
  expect(reason.column).toBeGreaterThan(0);
  expect(run.out).toEqual(baseline.out);
  expect(run.outside).toEqual([]);
}

function expectEnabled(pkg: HostilePackage): void {
  const run = runHostile({ packages: [pkg] });
  expect(run.service(pkg.name).reasons ?? []).toEqual([]);
  expect(run.service(pkg.name).state).toBe('enabled');
}

const trusted = (p: HostilePackage): HostilePackage => ({ ...p, spec: { ...p.spec, profile: 'trusted' } });

const socketPackage = (socket: string): HostilePackage => ({
  name: 'evil',
  units: {
    'evil.socket': `[Socket]\n${socket}\n[Install]\nWantedBy=sockets.target\n`,
    'evil.service': '[Service]\nExecStart=/usr/bin/evil\n',
  },
});

describe('paths PID 1 opens, creates or removes as root', () => {
  it('ListenSpecial=/etc/shadow with Writable=yes (PID 1 opens it read-write for the service)', () => {
    expectRefused(socketPackage('ListenSpecial=/etc/shadow\nWritable=yes'), 'directive-path-outside', 'usr/lib/systemd/system/evil.socket');
  });

  it('ListenStream=/etc/passwd (systemd unlinks an existing path before binding)', () => {
    expectRefused(socketPackage('ListenStream=/etc/passwd'), 'directive-path-outside', 'usr/lib/systemd/system/evil.socket');
  });

  it('StandardOutput=truncate:/etc/x (PID 1 truncates the file as root)', () => {
    expectRefused(packageWith('evil', 'StandardOutput=truncate:/etc/x'), 'directive-path-outside');
  });

  it('a .path unit with MakeDirectory=yes and DirectoryMode=0777 under /etc', () => {
    expectRefused(
      {
        name: 'evil',
        units: {
          'evil.path':
            '[Path]\nPathExists=/etc/systemd/system/evil.d\nMakeDirectory=yes\nDirectoryMode=0777\n[Install]\nWantedBy=paths.target\n',
          'evil.service': '[Service]\nExecStart=/usr/bin/evil\n',
        },
      },
      'directive-path-outside',
      'usr/lib/systemd/system/evil.path',
    );
  });

  it('a LoadCredential= source below the package that is a symlink to a host secret', () => {
    expectRefused(
      {
        ...packageWith('evil', 'LoadCredential=key:/opt/composable/evil/etc/key'),
        symlinks: { 'etc/key': '/etc/shadow' },
      },
      'credential-outside-package',
    );
  });

  it('a chroot BindReadOnlyPaths= source below the package that resolves to /', () => {
    expectRefused(
      {
        ...packageWith('evil', 'BindReadOnlyPaths=/opt/composable/evil/host:/host'),
        osRelease: 'COMPOSABLE_MODE=chroot\n',
        symlinks: { host: '../../../..' },
      },
      'chroot-path-outside',
    );
  });

  it('StandardError=append: to a package path whose directory is a symlink out', () => {
    expectRefused(
      { ...packageWith('evil', 'StandardError=append:/opt/composable/evil/log/err'), symlinks: { log: '/etc' } },
      'directive-path-outside',
    );
  });

  it('the same paths in the own runtime directory, the package, or as a port are allowed', () => {
    expectEnabled({
      name: 'evil',
      files: { 'var/empty': '' },
      units: {
        'evil.socket':
          '[Socket]\nListenStream=/run/evil/api.sock\nListenStream=8080\nListenStream=@evil\n[Install]\nWantedBy=sockets.target\n',
        'evil.service': `[Unit]\nAfter=network-online.target\nWants=network-online.target\n${service(
          'evil',
          'RuntimeDirectory=evil\nStateDirectory=evil\nStandardOutput=append:/var/log/evil/out.log\nLogsDirectory=evil\nEnvironmentFile=-/opt/composable/evil/var/empty',
        )}`,
      },
    });
  });

  it('TTYReset=yes without TTYPath= (PID 1 resets the container’s console)', () => {
    expectRefused(packageWith('evil', 'TTYReset=yes'), 'directive-path-outside');
  });

  it('a template’s socket in its own instance’s runtime directory is allowed', () => {
    expectEnabled({
      name: 'evil',
      spec: { units: ['evil@a.service'] },
      units: {
        'evil@.service': '[Service]\nExecStart=/usr/bin/evil\nRuntimeDirectory=evil-%i\nPIDFile=/run/evil-%i/pid\nStateDirectory=%p\n',
      },
    });
  });

  it('a *Directory= name that is not the package’s (PID 1 would chown /run/systemd to the service user)', () => {
    expectRefused(packageWith('evil', 'RuntimeDirectory=systemd'), 'directive-path-outside');
  });
});

describe('settings that act on the whole system or raise privileges', () => {
  it('PermissionsStartOnly=yes (every command but ExecStart= runs as root)', () => {
    expectRefused(packageWith('evil', 'PermissionsStartOnly=yes'), 'directive-privileged');
  });

  it('SuccessAction=reboot-force (the sidecar reboots the container)', () => {
    expectRefused(
      { name: 'evil', units: { 'evil.service': `[Unit]\nSuccessAction=reboot-force\n${service('evil')}` } },
      'directive-privileged',
    );
  });

  it.each(['FailureAction=poweroff-immediate', 'StartLimitAction=exit', 'JobTimeoutAction=reboot'])('%s', (line) => {
    expectRefused({ name: 'evil', units: { 'evil.service': `[Unit]\n${line}\n${service('evil')}` } }, 'directive-privileged');
  });

  it('in a package drop-in that sorts before the generated one', () => {
    expectRefused(
      { name: 'evil', units: { 'evil.service': service('evil'), 'evil.service.d/10-x.conf': '[Unit]\nSuccessAction=reboot-force\n' } },
      'directive-privileged',
      'usr/lib/systemd/system/evil.service.d/10-x.conf',
    );
  });

  it('SuccessAction=none and the trusted profile are allowed', () => {
    expectEnabled({ name: 'evil', units: { 'evil.service': `[Unit]\nSuccessAction=none\n${service('evil')}` } });
    expectEnabled(trusted(packageWith('evil', 'PermissionsStartOnly=yes')));
  });
});

describe('units the package does not own', () => {
  it('Conflicts=app.service (starting the sidecar stops the container’s application)', () => {
    expectRefused(
      { name: 'evil', units: { 'evil.service': `[Unit]\nConflicts=app.service\n${service('evil')}` } },
      'directive-unit-foreign',
    );
  });

  it.each([
    'PartOf=app.service',
    'BindsTo=app.service',
    'OnFailure=reboot.target',
    'PropagatesStopTo=app.service',
    'StopPropagatedFrom=app.service',
  ])('%s', (line) => {
    expectRefused({ name: 'evil', units: { 'evil.service': `[Unit]\n${line}\n${service('evil')}` } }, 'directive-unit-foreign');
  });

  it('a timer with Unit=poweroff.target', () => {
    expectRefused(
      { name: 'evil', units: { 'evil.timer': '[Timer]\nOnBootSec=1min\nUnit=poweroff.target\n[Install]\nWantedBy=timers.target\n' } },
      'directive-unit-foreign',
      'usr/lib/systemd/system/evil.timer',
    );
  });

  it('the package’s own units, instances of its templates and the ordering targets are allowed', () => {
    expectEnabled({
      name: 'evil',
      units: {
        'evil.timer': '[Timer]\nOnBootSec=1min\nUnit=evil-job@nightly.service\n[Install]\nWantedBy=timers.target\n',
        'evil-job@.service': '[Service]\nExecStart=/usr/bin/evil %i\n',
        'evil.service': `[Unit]\nAfter=network.target composable-early.target evil.timer\nConflicts=shutdown.target\nBefore=shutdown.target\nPartOf=evil.timer\n${service('evil')}`,
      },
    });
  });
});

describe('fail closed: what the generator cannot read or classify refuses the package', () => {
  it('an Exec*= line it cannot parse (an unterminated quote)', () => {
    expectRefused(packageWith('evil', 'ExecStartPre=/usr/bin/evil "--setup'), 'exec-unparseable');
  });

  it('in chroot mode too, where no Exec path is rewritten', () => {
    expectRefused({ ...packageWith('evil', 'ExecStartPost=/usr/bin/evil "x'), osRelease: 'COMPOSABLE_MODE=chroot\n' }, 'exec-unparseable');
  });

  it('a directive systemd 252 does not have', () => {
    expectRefused(packageWith('evil', 'OpenFile=/etc/shadow'), 'directive-unknown');
  });

  it('a path with a specifier the generator cannot expand', () => {
    expectRefused(packageWith('evil', 'StandardOutput=file:%h/x'), 'directive-path-outside');
  });

  it('X- keys and sections, which systemd ignores, are allowed', () => {
    expectEnabled(packageWith('evil', 'X-Vendor-Note=anything\n[X-Vendor]\nPath=/etc/shadow'));
  });
});

describe.skipIf(missingRequirements([requirement.mksquashfs], 'path checks in squashfs packages').length > 0)(
  'a squashfs package: paths resolved inside the image, which is closed before planning',
  () => {
    function planImage(evil: HostilePackage): ReturnType<typeof planGeneration> {
      return withWork((work) => {
        const root = buildRoot(work, { packages: [goodPackage(), evil] });
        const store = join(root, 'run/composable/store');
        execFileSync('mksquashfs', [join(store, evil.name), join(store, `${evil.name}.squashfs`), '-noappend', '-all-root', '-quiet'], {
          stdio: 'ignore',
        });
        rmSync(join(store, evil.name), { recursive: true });
        const metadata = join(root, 'run/composable/metadata.json');
        writeFileSync(metadata, readFileSync(metadata, 'utf8').replace(`store/${evil.name}"`, `store/${evil.name}.squashfs"`));
        return planGeneration(readGeneratorInput(root));
      });
    }
    const state = (plan: ReturnType<typeof planGeneration>, name: string) => plan.status.services.find((s) => s.name === name)!;

    it('a symlink out of the image under a StandardError= path is refused', () => {
      const plan = planImage({ ...packageWith('evil', 'StandardError=append:/opt/composable/evil/log/err'), symlinks: { log: '/etc' } });
      expect(state(plan, 'good').state).toBe('enabled');
      expect(codesOf(state(plan, 'evil'))).toContain('directive-path-outside');
    });

    it('the same path through a directory of the image is allowed', () => {
      const plan = planImage({ ...packageWith('evil', 'StandardError=append:/opt/composable/evil/log/err'), files: { 'log/.keep': '' } });
      expect(state(plan, 'evil').reasons ?? []).toEqual([]);
    });
  },
);
