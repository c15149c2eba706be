// Hostile packages that claim unit names they do not own: PORTABLE_PREFIXES shadowing the
// container's or systemd's units, another package's, the generator's own targets; package names
// that are reserved; units the container root already has. Each is skipped with its reason and
// writes nothing, and the good package next to it is generated.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContainerUnits } from '../../generator/input/container-units.ts';
import { codesOf, goodPackage, runBesideGood, runHostile, withWork, type HostilePackage } from './units-harness.ts';

function expectRefused(evil: HostilePackage, code: string, container?: Record<string, string>): void {
  const { run, baseline } = runBesideGood(evil, { container });
  expect(run.service('good').state).toBe('enabled');
  expect(run.out.has('good.service')).toBe(true);
  const s = run.service(evil.name);
  expect(s.state).toBe('skipped');
  expect(codesOf(s)).toContain(code);
  expect(run.out).toEqual(baseline.out);
  expect(run.outside).toEqual([]);
  expect(run.exitOk).toBe(false);
  expect(run.logs.some((l) => l.startsWith('err: ') && l.includes(`[${code}]`))).toBe(true);
}

const ssh = (name: string, prefix: string, unit: string): HostilePackage => ({
  name,
  osRelease: `PORTABLE_PREFIXES="${name} ${prefix}"\n`,
  units: { [unit]: `[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n` },
});

describe('PORTABLE_PREFIXES cannot claim what others own', () => {
  it.each([
    ['sshd', 'sshd.service'],
    ['systemd-journald', 'systemd-journald.service'],
    ['systemd', 'systemd-logind.service'],
    ['multi-user', 'multi-user.target'],
    ['multi', 'multi-user.target'],
    ['getty', 'getty@.service'],
    ['dbus', 'dbus.service'],
    ['user', 'user@.service'],
    ['network-online', 'network-online.target'],
  ])('a prefix "%s" (to ship %s) is refused as reserved', (prefix, unit) => {
    expectRefused(ssh('evil', prefix, unit), 'prefix-reserved');
  });

  it.each([
    ['composable', 'composable.target'],
    ['composable-early', 'composable-early.target'],
    ['composablex', 'composablex.service'],
  ])('a prefix "%s" (the generator\'s own) is refused', (prefix, unit) => expectRefused(ssh('evil', prefix, unit), 'prefix-reserved'));

  it("a prefix that is another package's name is refused, and that package is still generated", () => {
    const victim: HostilePackage = {
      name: 'victim',
      units: { 'victim.service': '[Service]\nExecStart=/usr/bin/victim\n[Install]\nWantedBy=multi-user.target\n' },
    };
    const evil = ssh('evil', 'victim', 'victim-helper.service');
    const run = runHostile({ packages: [goodPackage(), evil, victim] });
    expect(codesOf(run.service('evil'))).toContain('prefix-owned-by-package');
    expect(run.service('victim').state).toBe('enabled');
    expect(run.service('good').state).toBe('enabled');
    expect(run.out.has('victim-helper.service')).toBe(false);
  });

  it('a prefix covering a unit the container root already has is refused', () => {
    expectRefused(ssh('evil', 'nginx', 'nginx-helper.service'), 'prefix-owned-by-container', {
      '/lib/systemd/system/nginx.service': '[Service]\nExecStart=/usr/sbin/nginx\n',
    });
  });

  it('units of the container are found in every unit directory', () => {
    for (const dir of ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system']) {
      expectRefused(ssh('evil', 'cron', 'cron.service'), 'prefix-reserved', { [`${dir}/cron.service`]: '[Service]\n' });
      expectRefused(ssh('evil', 'backup', 'backup-x.service'), 'prefix-owned-by-container', { [`${dir}/backup.timer`]: '[Timer]\n' });
    }
  });
});

describe('a package name that is reserved is refused', () => {
  it.each([['composable'], ['composable-late'], ['sshd'], ['systemd-journald'], ['systemd-x'], ['getty'], ['user']])('%s', (name) => {
    expectRefused(
      { name, units: { [`${name}.service`]: `[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n` } },
      'name-reserved',
    );
  });

  it.each([
    ['multi', 'multi-user.target'],
    ['local', 'local-fs.target'],
    ['first', 'first-boot-complete.target'],
  ])('a package named %s may exist, but not ship %s', (name, unit) => {
    expectRefused(
      {
        name,
        units: {
          [`${name}.service`]: `[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n`,
          [unit]: '[Unit]\nDescription=x\n',
        },
      },
      'unit-reserved',
    );
    const run = runHostile({
      packages: [
        { name, units: { [`${name}.service`]: `[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n` } },
      ],
    });
    expect(run.service(name).state).toBe('enabled');
  });
});

describe('a unit the container already has is never replaced', () => {
  it("a package unit with the name of one of the container's units is refused", () => {
    const evil: HostilePackage = {
      name: 'apt',
      units: { 'apt-daily.service': '[Service]\nExecStart=/usr/bin/apt\n[Install]\nWantedBy=multi-user.target\n' },
    };
    expectRefused(evil, 'unit-shadows-container', {
      '/usr/lib/systemd/system/apt-daily.service': '[Service]\nExecStart=/usr/lib/apt/apt.systemd.daily\n',
    });
  });

  it('a unit named like a prefix drop-in (evil-.service) is refused: its .d would reach other packages', () => {
    expectRefused(
      {
        name: 'evil',
        units: {
          'evil-.service': '[Service]\nExecStart=/usr/bin/evil\n',
          'evil-.service.d/x.conf': '[Service]\nUser=root\n',
          'evil.service': '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n',
        },
      },
      'unit-prefix-dropin',
    );
  });
});

describe("reading the container's units", () => {
  it('follows an absolute /lib -> /usr/lib link inside the root, never into the host', () => {
    withWork((work) => {
      const root = join(work, 'root');
      mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
      writeFileSync(join(root, 'usr/lib/systemd/system/only-in-root.service'), '[Service]\n');
      symlinkSync('/usr/lib', join(root, 'lib'));
      mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
      symlinkSync('/dev/null', join(root, 'etc/systemd/system/masked.service'));
      symlinkSync('only-in-root.service', join(root, 'etc/systemd/system/alias.service'));
      writeFileSync(join(root, 'etc/systemd/system/notes.txt'), '');
      expect([...readContainerUnits(root)].sort()).toEqual(['alias.service', 'masked.service', 'only-in-root.service']);
    });
  });

  it('a root without unit directories has no units', () => {
    withWork((work) => expect(readContainerUnits(work).size).toBe(0));
  });
});

describe('two packages whose names both cover a unit', () => {
  it('web and web-admin both shipping web-admin.service: both are skipped (unit-conflict), the good one runs', () => {
    const unit = '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';
    const run = runHostile({
      packages: [
        goodPackage(),
        { name: 'web', units: { 'web-admin.service': unit } },
        { name: 'web-admin', units: { 'web-admin.service': unit } },
      ],
    });
    expect(codesOf(run.service('web'))).toEqual(['unit-conflict']);
    expect(codesOf(run.service('web-admin'))).toEqual(['unit-conflict']);
    expect(run.service('good').state).toBe('enabled');
    expect(run.out.has('web-admin.service')).toBe(false);
  });
});
