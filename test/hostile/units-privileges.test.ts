// Hostile packages that try to lift the privileges their metadata and profile give them: package
// drop-ins sorting after the generated one, Exec*= prefixes + ! !!, credentials of other services,
// chroot binds to the container. Refused ones are skipped with their reason while the good package
// is generated as without them; allowed drop-ins that sort before the generated one lose to it,
// and systemd-analyze (systemd 252 itself) shows the effective values.
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROP_IN_NAME } from '../../sdk/contract.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';
import { codesOf, goodPackage, packageWith, runBesideGood, runHostile, type HostilePackage } from './units-harness.ts';

function expectRefused(evil: HostilePackage, code: string): void {
  const { run, baseline } = runBesideGood(evil);
  expect(run.service('good').state).toBe('enabled');
  const s = run.service(evil.name);
  expect(s.state).toBe('skipped');
  expect(codesOf(s)).toContain(code);
  expect(run.out).toEqual(baseline.out);
  expect(run.outside).toEqual([]);
}

const evilUnit = '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n';

describe('package drop-ins that sort after the generated one are refused', () => {
  it.each([
    ['zzz-override.conf', '[Service]\nUser=root\n'],
    ['zz-composablf.conf', '[Service]\nCapabilityBoundingSet=~\n'],
    ['~late.conf', '[Service]\nRootDirectory=/\n'],
    ['\u00e9t\u00e9.conf', '[Service]\nProtectSystem=no\nPrivateNetwork=no\n'],
  ])('%s', (name, text) => {
    expectRefused(
      {
        name: 'evil',
        spec: { user: 'nobody', profile: 'nonetwork' },
        units: { 'evil.service': evilUnit, [`evil.service.d/${name}`]: text },
      },
      'dropin-sorts-after-generated',
    );
  });

  it(`the generated drop-in is named ${DROP_IN_NAME}, after every allowed name`, () => {
    const run = runHostile({
      packages: [
        {
          name: 'evil',
          units: {
            'evil.service': evilUnit,
            'evil.service.d/override.conf': '[Service]\nUser=root\n',
            'evil.service.d/zz-aaa.conf': '[Service]\n',
          },
        },
      ],
    });
    expect(run.service('evil').state).toBe('enabled');
    const dropIns = [...run.out.keys()].filter((p) => p.startsWith('evil.service.d/')).map((p) => p.slice('evil.service.d/'.length));
    expect(dropIns.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).at(-1)).toBe(DROP_IN_NAME);
  });
});

describe('Exec*= prefixes that raise privileges are refused unless the profile is trusted', () => {
  it.each([
    ['ExecStartPre=+/bin/sh -c "id"'],
    ['ExecStartPre=!/usr/bin/evil --setup'],
    ['ExecStartPost=!!/usr/bin/evil'],
    ['ExecStopPost=-+/bin/true'],
    ['ExecReload=@+/bin/sh sh -c true'],
  ])('%s in the unit', (line) => {
    expectRefused(packageWith('evil', line), 'exec-privileged-prefix');
  });

  it('in a package drop-in that sorts before the generated one', () => {
    expectRefused(
      {
        name: 'evil',
        units: { 'evil.service': evilUnit, 'evil.service.d/10-setup.conf': '[Service]\nExecStartPre=+/bin/sh -c "chmod 777 /etc"\n' },
      },
      'exec-privileged-prefix',
    );
  });

  it('in a socket unit', () => {
    expectRefused(
      {
        name: 'evil',
        units: {
          'evil.service': evilUnit,
          'evil.socket': '[Socket]\nListenStream=/run/evil.sock\nExecStartPre=+/bin/true\n[Install]\nWantedBy=sockets.target\n',
        },
      },
      'exec-privileged-prefix',
    );
  });

  it('is allowed under the trusted profile', () => {
    const run = runHostile({ packages: [goodPackage(), packageWith('evil', 'ExecStartPre=+/bin/true', { spec: { profile: 'trusted' } })] });
    expect(run.service('evil').state).toBe('enabled');
  });
});

describe("a package cannot load another service's credential", () => {
  it.each([
    ['LoadCredential=token:/run/composable/credentials/victim/token'],
    ['LoadCredential=shadow:/etc/shadow'],
    ['LoadCredentialEncrypted=key:/var/lib/secret.cred'],
    ['LoadCredential=token:/run/composable/credentials/evil/../victim/token'],
    ['LoadCredential=token'],
  ])('%s', (line) => expectRefused(packageWith('evil', line), 'credential-outside-package'));

  it('its own credentials directory and its own files are fine', () => {
    const run = runHostile({
      packages: [packageWith('evil', 'LoadCredential=a:/run/composable/credentials/evil/a\nLoadCredential=b:/opt/composable/evil/etc/b')],
    });
    expect(run.service('evil').state).toBe('enabled');
  });
});

describe('in chroot mode the unit cannot bring the container into its chroot', () => {
  const chroot = (line: string): HostilePackage => packageWith('evil', line, { osRelease: 'COMPOSABLE_MODE=chroot\n' });
  it.each([
    ['BindPaths=/'],
    ['BindReadOnlyPaths=/run/composable/credentials:/creds'],
    ['BindPaths=-/etc:/etc:rbind'],
    ['BindReadOnlyPaths=/opt/composable/evil/../../../etc:/host'],
    ['BindReadOnlyPaths=/opt/composable/evil/data:/data /run:/run'],
    ['BindPaths=%h:/home'],
    ['MountImages=/var/lib/machines/other.raw:/mnt'],
    ['ExtensionImages=/var/lib/extensions/x.raw'],
    ['ExtensionDirectories=/usr'],
    ['RootImage=/var/lib/machines/other.raw'],
  ])('%s', (line) => expectRefused(chroot(line), 'chroot-path-outside'));

  it("paths inside the package and the profile's own binds are fine", () => {
    const run = runHostile({ packages: [chroot('BindReadOnlyPaths=/opt/composable/evil/data:/data /etc/machine-id /dev/log')] });
    expect(run.service('evil').state).toBe('enabled');
    expect(run.out.get(`evil.service.d/${DROP_IN_NAME}`)).toContain('RootDirectoryStartOnly=no\n');
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'generated drop-ins against systemd-analyze security');

/** systemd-analyze security --offline: which of its checks pass for the unit, read from `dir`. */
function securityChecks(dir: string, unit: string): Map<string, { set: boolean; description: string }> {
  const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--json=short', '--no-pager', unit], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: dir,
    env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` },
  });
  const checks = JSON.parse(r.stdout) as { json_field: string; set: boolean; description: string }[];
  return new Map(checks.map((c) => [c.json_field, { set: c.set, description: c.description }]));
}

describe.skipIf(missing.length > 0)('systemd agrees: the generated drop-in wins over the package', () => {
  // Everything a drop-in sorting before ours may try; our drop-in must undo all of it.
  const undo =
    '[Service]\nUser=root\nGroup=root\nCapabilityBoundingSet=CAP_SYS_ADMIN\nAmbientCapabilities=CAP_SYS_ADMIN\n' +
    'RestrictAddressFamilies=AF_PACKET AF_INET\nPrivateNetwork=no\nIPAddressAllow=any\nProtectSystem=no\n' +
    'NoNewPrivileges=no\n';
  const evil: HostilePackage = {
    name: 'evil',
    spec: { user: 'daemon', profile: 'nonetwork' },
    units: {
      'evil.service': `[Service]\nExecStart=/usr/bin/evil\n${undo.slice('[Service]\n'.length)}[Install]\nWantedBy=multi-user.target\n`,
      'evil.service.d/override.conf': undo,
    },
  };
  const expected = (checks: Map<string, { set: boolean; description: string }>): void => {
    expect(checks.get('UserOrDynamicUser')).toEqual({ set: true, description: 'Service runs under a static non-root user identity' });
    expect(checks.get('CapabilityBoundingSet_CAP_SYS_ADMIN')?.set).toBe(true);
    expect(checks.get('RestrictAddressFamilies_AF_PACKET')?.set).toBe(true);
    expect(checks.get('RestrictAddressFamilies_AF_INET_INET6')?.set).toBe(true);
    expect(checks.get('PrivateNetwork')?.set).toBe(true);
    expect(checks.get('ProtectSystem')?.description).toBe('Service has very limited write access to the OS file hierarchy');
  };

  it('User=, the capability bounding set, the address families and the network stay as generated', () => {
    let checks = new Map<string, { set: boolean; description: string }>();
    const run = runHostile({ packages: [evil], inspect: (out) => (checks = securityChecks(out, 'evil.service')) });
    expect(run.service('evil').state).toBe('enabled');
    expected(checks);
  });

  it('the check can fail: with the generated drop-in sorting first, systemd sees the package win', () => {
    let checks = new Map<string, { set: boolean; description: string }>();
    runHostile({
      packages: [evil],
      inspect: (out) => {
        renameSync(join(out, `evil.service.d/${DROP_IN_NAME}`), join(out, 'evil.service.d/00-composable.conf'));
        writeFileSync(join(out, 'evil.service.d/override.conf'), undo);
        checks = securityChecks(out, 'evil.service');
      },
    });
    expect(checks.get('UserOrDynamicUser')?.description).toBe('Service runs as root user');
    expect(checks.get('PrivateNetwork')?.set).toBe(false);
    expect(checks.get('CapabilityBoundingSet_CAP_SYS_ADMIN')?.set).toBe(false);
    expect(checks.get('ProtectSystem')?.description).toBe('Service has full access to the OS file hierarchy');
  });
});

describe("the profile is the host's: a package can make it stricter, never lift it", () => {
  const plusUnit = '[Service]\nExecStartPre=+/usr/bin/evil --setup\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n';

  it('COMPOSABLE_PROFILE=trusted in the os-release, no profile in the metadata: default, so its + command is refused', () => {
    expectRefused(
      { name: 'evil', osRelease: 'COMPOSABLE_PROFILE=trusted\n', units: { 'evil.service': plusUnit } },
      'exec-privileged-prefix',
    );
  });

  it('COMPOSABLE_PROFILE=trusted under metadata naming default: still default', () => {
    expectRefused(
      { name: 'evil', osRelease: 'COMPOSABLE_PROFILE=trusted\n', spec: { profile: 'default' }, units: { 'evil.service': plusUnit } },
      'exec-privileged-prefix',
    );
  });

  it('the metadata grants trusted: the same package is enabled', () => {
    const run = runHostile({
      packages: [
        { name: 'evil', osRelease: 'COMPOSABLE_PROFILE=trusted\n', spec: { profile: 'trusted' }, units: { 'evil.service': plusUnit } },
      ],
    });
    expect(run.service('evil').state).toBe('enabled');
    expect(run.service('evil').profile).toBe('trusted');
  });

  it('a package asking for strict under metadata naming default runs strict', () => {
    const run = runHostile({
      packages: [
        { name: 'evil', osRelease: 'COMPOSABLE_PROFILE=strict\n', spec: { profile: 'default' }, units: { 'evil.service': evilUnit } },
      ],
    });
    expect(run.service('evil').profile).toBe('strict');
    expect(run.out.get(`evil.service.d/${DROP_IN_NAME}`)).toMatch(/^ProtectSystem=strict$/m);
  });
});
