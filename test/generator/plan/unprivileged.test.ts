// The generator in containers that may not mount: the capability reader, and the pure planner
// given capability sets as input (engine-mounted packages, capability-missing and
// profile-unsupported skips, the unprivileged profile variant).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capabilityNames,
  parseProcStatusCapabilities,
  readCapabilities,
  type ContainerCapabilities,
} from '../../../generator/input/capabilities.ts';
import { loadPackageFrom, type PackageReader } from '../../../sdk/package.ts';
import { planGeneration } from '../../../generator/plan/plan-generation.ts';
import { readService } from '../../../generator/input/read-input.ts';
import type { GeneratorInput, ServiceInput } from '../../../generator/plan/types.ts';
import type { ServiceSpec } from '../../../sdk/schema/metadata.ts';
import { StatusSchema } from '../../../sdk/schema/status.ts';

/** podman 4's default set for a rootful container: no CAP_SYS_ADMIN (measured: CapEff of PID 1). */
const PODMAN_DEFAULT = '00000000800405fb';
const unprivileged: ContainerCapabilities = { source: '/proc/self/status', effective: capabilityNames(PODMAN_DEFAULT)! };
const privileged: ContainerCapabilities = { source: '/proc/self/status', effective: capabilityNames('000001ffffffffff')! };

function memoryReader(files: Record<string, string>): PackageReader {
  const missing = { ok: false as const, missing: true, problem: { code: 'path-missing', file: '', message: 'missing' } };
  return {
    readText: (rel) => (rel in files ? { ok: true, value: files[rel]! } : missing),
    list(rel) {
      const prefix = rel === '' ? '' : `${rel}/`;
      const names = new Map<string, 'dir' | 'file'>();
      for (const p of Object.keys(files)) {
        if (!p.startsWith(prefix)) continue;
        const [first, ...rest] = p.slice(prefix.length).split('/');
        names.set(first!, rest.length > 0 ? 'dir' : 'file');
      }
      return names.size > 0 ? { ok: true, value: [...names].sort().map(([name, kind]) => ({ name, kind })) } : missing;
    },
    isFile: (rel) => rel in files,
  };
}

/** A one-service package as the reader would hand it to the planner. */
function service(spec: ServiceSpec, opts: { profile?: string; serviceLines?: string[]; dropIn?: string } = {}): ServiceInput {
  const name = spec.name;
  const files: Record<string, string> = {
    'usr/lib/os-release': `NAME=${name}\nID=${name}\nVERSION_ID=1.0.0\n${opts.profile ? `COMPOSABLE_PROFILE=${opts.profile}\n` : ''}`,
    [`usr/lib/systemd/system/${name}.service`]: `[Service]\nExecStart=/usr/bin/${name}\n${(opts.serviceLines ?? []).join('\n')}\n\n[Install]\nWantedBy=multi-user.target\n`,
    [`usr/bin/${name}`]: '#!/bin/sh\n',
  };
  if (opts.dropIn) files[`usr/lib/systemd/system/${name}.service.d/10-local.conf`] = opts.dropIn;
  const { package: pkg, problems } = loadPackageFrom(memoryReader(files), spec.source);
  expect(problems).toEqual([]);
  const engine = spec.source === `/opt/composable/${name}`;
  return {
    // The package asks for the profile in its os-release and the metadata grants it: only the
    // metadata can give `trusted`.
    spec: opts.profile === 'trusted' ? { ...spec, profile: 'trusted' } : spec,
    sourceReasons: [],
    resolvedSource: spec.source,
    sourceKind: 'directory',
    pkg,
    packageProblems: [],
    hasFile: (rel) => rel in files,
    ...(engine ? { mountedBy: 'engine' as const } : {}),
  };
}

function plan(services: ServiceInput[], capabilities?: ContainerCapabilities) {
  const input: GeneratorInput = {
    metadata: { state: 'ok', path: '/run/composable/metadata.json' },
    services,
    generatorVersion: '0.0.0-test',
    capabilities,
  };
  const result = planGeneration(input);
  expect(StatusSchema.safeParse(result.status).success).toBe(true);
  const file = (path: string): string | undefined => {
    const f = result.files.find((x) => x.path === path);
    return f && f.kind === 'file' ? f.content : undefined;
  };
  const entry = (name: string) => result.status.services.find((s) => s.name === name)!;
  return { ...result, file, entry };
}

describe('reading the container capabilities', () => {
  it('names the bits of a CapEff mask, with unknown future bits by number', () => {
    expect(unprivileged.effective).toEqual([
      'CAP_CHOWN',
      'CAP_DAC_OVERRIDE',
      'CAP_FOWNER',
      'CAP_FSETID',
      'CAP_KILL',
      'CAP_SETGID',
      'CAP_SETUID',
      'CAP_SETPCAP',
      'CAP_NET_BIND_SERVICE',
      'CAP_SYS_CHROOT',
      'CAP_SETFCAP',
    ]);
    expect(privileged.effective).toContain('CAP_SYS_ADMIN');
    expect(privileged.effective.at(-1)).toBe('CAP_CHECKPOINT_RESTORE');
    expect(capabilityNames('20000000000')).toEqual(['CAP_41']);
    expect(capabilityNames('0')).toEqual([]);
    expect(capabilityNames('xyz')).toBeUndefined();
  });

  it('takes CapEff from /proc/<pid>/status text, not CapPrm or CapBnd', () => {
    const text = 'Name:\tx\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000200000\nCapBnd:\t000001ffffffffff\n';
    expect(parseProcStatusCapabilities(text)?.effective).toEqual(['CAP_SYS_ADMIN']);
    expect(parseProcStatusCapabilities('Name:\tx\n')).toBeUndefined();
  });

  const root = mkdtempSync(join(tmpdir(), 'composable-caps-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('reads <root>/proc/self/status, and reports unknown when the root has none', () => {
    expect(readCapabilities(root)).toBeUndefined();
    mkdirSync(join(root, 'proc/self'), { recursive: true });
    writeFileSync(join(root, 'proc/self/status'), `CapEff:\t${PODMAN_DEFAULT}\n`);
    expect(readCapabilities(root)).toEqual(unprivileged);
  });

  it('gives unknown, without blocking, for a FIFO or a symlink where the status file should be', () => {
    for (const kind of ['fifo', 'link']) {
      const r = mkdtempSync(join(tmpdir(), 'composable-caps-'));
      try {
        mkdirSync(join(r, 'proc/self'), { recursive: true });
        if (kind === 'fifo') execFileSync('mkfifo', [join(r, 'proc/self/status')]);
        else symlinkSync('/proc/self/status', join(r, 'proc/self/status'));
        expect(readCapabilities(r), kind).toBeUndefined();
      } finally {
        rmSync(r, { recursive: true, force: true });
      }
    }
  });

  it('reads this process when the root is /', () => {
    const own = readCapabilities('/');
    expect(own?.source).toBe('/proc/self/status');
    expect(Array.isArray(own?.effective)).toBe(true);
  });
});

describe('packages the engine mounted', () => {
  it('are used in place: no .mount unit, no RequiresMountsFor= but After= the engine mount, status mountedBy engine without mount', () => {
    const r = plan([service({ name: 'web', source: '/opt/composable/web' })]);
    expect(r.files.some((f) => f.path.endsWith('.mount'))).toBe(false);
    const dropIn = r.file('web.service.d/zz-composable.conf')!;
    expect(dropIn).not.toContain('RequiresMountsFor=');
    // Ordered after the engine's mount (known to systemd from mountinfo) so it stops first, requiring nothing.
    expect(dropIn).toContain('After=opt-composable-web.mount\n');
    expect(dropIn).not.toMatch(/^(Requires|BindsTo|Wants)=opt-composable/m);
    expect(dropIn).toContain('ExecStart=/opt/composable/web/usr/bin/web');
    expect(dropIn).toContain('After=composable-early.target');
    expect(r.entry('web')).toMatchObject({ state: 'enabled', mountedBy: 'engine', where: '/opt/composable/web' });
    expect(r.entry('web')).not.toHaveProperty('mount');
  });

  it('store packages beside them keep their mount unit and mountedBy generator', () => {
    const r = plan([
      service({ name: 'web', source: '/opt/composable/web' }),
      service({ name: 'log', source: '/run/composable/store/log-1' }),
    ]);
    expect(r.file('opt-composable-log.mount')).toContain('What=/run/composable/store/log-1');
    expect(r.file('log.service.d/zz-composable.conf')).toContain('RequiresMountsFor=/opt/composable/log');
    expect(r.entry('log')).toMatchObject({ mountedBy: 'generator', mount: 'opt-composable-log.mount' });
  });

  it('need no capability: they run in a container without CAP_SYS_ADMIN', () => {
    const r = plan([service({ name: 'web', source: '/opt/composable/web' })], unprivileged);
    expect(r.entry('web').state).toBe('enabled');
  });
});

describe('reading a package the engine mounted', () => {
  it('reads the directory at the stable path in place, and refuses a file, a symlink or nothing there', () => {
    const root = mkdtempSync(join(tmpdir(), 'composable-engine-'));
    try {
      const pkg = join(root, 'opt/composable/web');
      mkdirSync(join(pkg, 'usr/lib/systemd/system'), { recursive: true });
      writeFileSync(join(pkg, 'usr/lib/os-release'), 'NAME=web\nID=web\nVERSION_ID=2.0\n');
      writeFileSync(join(pkg, 'usr/lib/systemd/system/web.service'), '[Service]\nExecStart=/usr/bin/web\n');
      const ok = readService(root, { name: 'web', source: '/opt/composable/web' });
      expect(ok).toMatchObject({ mountedBy: 'engine', resolvedSource: '/opt/composable/web', sourceReasons: [] });
      expect(ok.pkg?.manifest.version).toBe('2.0');

      writeFileSync(join(root, 'opt/composable/file'), 'not a tree');
      expect(readService(root, { name: 'file', source: '/opt/composable/file' }).sourceReasons.map((r) => r.code)).toEqual([
        'source-not-directory',
      ]);
      symlinkSync('/opt/composable/web', join(root, 'opt/composable/alias'));
      expect(readService(root, { name: 'alias', source: '/opt/composable/alias' }).sourceReasons.map((r) => r.code)).toEqual([
        'source-outside-store',
      ]);
      const none = readService(root, { name: 'gone', source: '/opt/composable/gone' });
      expect(none.sourceReasons).toEqual([
        expect.objectContaining({
          code: 'source-missing',
          message: expect.stringContaining('container engine must mount the package there'),
        }),
      ]);
      // Another service's stable path is not an engine mount of this one: it must be in the store.
      expect(readService(root, { name: 'other', source: '/opt/composable/web' }).sourceReasons.map((r) => r.code)).toEqual([
        'source-outside-store',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a container without CAP_SYS_ADMIN', () => {
  it('skips a store package, naming the capability and both fixes', () => {
    const r = plan([service({ name: 'log', source: '/run/composable/store/log-1' })], unprivileged);
    expect(r.files.some((f) => f.path.startsWith('log') || f.path.endsWith('.mount'))).toBe(false);
    const [reason] = r.entry('log').reasons!;
    expect(reason!.code).toBe('capability-missing');
    expect(reason!.message).toContain('CAP_SYS_ADMIN');
    expect(reason!.message).toContain('mount the package at /opt/composable/log');
    expect(reason!.message).toContain('grant the container CAP_SYS_ADMIN');
  });

  it('mounts the same store package when the capability is there, or when the set is unknown', () => {
    for (const caps of [privileged, undefined]) {
      const r = plan([service({ name: 'log', source: '/run/composable/store/log-1' })], caps);
      expect(r.entry('log').state).toBe('enabled');
      expect(r.file('opt-composable-log.mount')).toBeDefined();
    }
  });

  it('runs default and nonetwork without the directives that need a mount namespace, and says so in status', () => {
    const r = plan(
      [service({ name: 'd', source: '/opt/composable/d' }), service({ name: 'n', source: '/opt/composable/n' }, { profile: 'nonetwork' })],
      unprivileged,
    );
    const d = r.file('d.service.d/zz-composable.conf')!;
    for (const gone of ['ProtectSystem=', 'ProtectKernelTunables=', 'ProtectControlGroups=']) expect(d).not.toContain(gone);
    for (const kept of [
      'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6',
      'CapabilityBoundingSet=CAP_CHOWN',
      'SystemCallArchitectures=native',
      'RestrictNamespaces=yes',
    ])
      expect(d).toContain(kept);
    expect(r.entry('d').sandbox).toMatchObject({
      variant: 'unprivileged',
      dropped: ['ProtectKernelTunables=yes', 'ProtectControlGroups=yes', 'ProtectSystem=full'],
    });
    const n = r.file('n.service.d/zz-composable.conf')!;
    expect(n).not.toContain('PrivateNetwork=');
    expect(n).not.toContain('IPAddressDeny=');
    // The promise of nonetwork, no IP sockets, is kept by the seccomp filter.
    expect(n).toContain('RestrictAddressFamilies=AF_UNIX AF_NETLINK\n');
    expect(r.entry('n').sandbox?.dropped).toEqual(expect.arrayContaining(['PrivateNetwork=yes', 'IPAddressDeny=any']));
  });

  it('writes the full profile and no sandbox note when the container has CAP_SYS_ADMIN', () => {
    const r = plan([service({ name: 'd', source: '/opt/composable/d' })], privileged);
    expect(r.file('d.service.d/zz-composable.conf')).toContain('ProtectSystem=full');
    expect(r.entry('d')).not.toHaveProperty('sandbox');
  });

  it('leaves trusted as it is, with no sandbox note', () => {
    const r = plan([service({ name: 't', source: '/opt/composable/t' }, { profile: 'trusted' })], unprivileged);
    expect(r.entry('t').state).toBe('enabled');
    expect(r.entry('t')).not.toHaveProperty('sandbox');
  });

  it("lists the package's own settings that take no effect, with file and line, and not those that ask for nothing", () => {
    const r = plan(
      [
        service(
          { name: 't', source: '/opt/composable/t' },
          { profile: 'trusted', serviceLines: ['ProtectHome=yes', 'PrivateTmp=false'], dropIn: '[Service]\nReadOnlyPaths=/srv\n' },
        ),
      ],
      unprivileged,
    );
    expect(r.entry('t').state).toBe('enabled');
    expect(r.entry('t').sandbox).toMatchObject({
      dropped: [],
      ignored: [
        'usr/lib/systemd/system/t.service:3 ProtectHome=yes',
        'usr/lib/systemd/system/t.service.d/10-local.conf:2 ReadOnlyPaths=/srv',
      ],
    });
    expect(r.entry('t').sandbox!.message).toContain('ProtectHome=yes, ReadOnlyPaths=/srv have no effect');
    expect(
      plan(
        [service({ name: 't', source: '/opt/composable/t' }, { profile: 'trusted', serviceLines: ['ProtectHome=yes'] })],
        privileged,
      ).entry('t'),
    ).not.toHaveProperty('sandbox');
  });

  it('skips strict with profile-unsupported, naming the directives, the capability and the fix', () => {
    const r = plan([service({ name: 's', source: '/opt/composable/s' }, { profile: 'strict' })], unprivileged);
    const [reason] = r.entry('s').reasons!;
    expect(reason!.code).toBe('profile-unsupported');
    for (const words of ['ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'CAP_SYS_ADMIN', '"profile": "default"'])
      expect(reason!.message).toContain(words);
  });

  it('skips chroot mode, which needs RootDirectory=', () => {
    const r = plan([service({ name: 'c', source: '/opt/composable/c', mode: 'chroot' }, { profile: 'trusted' })], unprivileged);
    expect(r.entry('c').reasons).toEqual([
      expect.objectContaining({ code: 'capability-missing', message: expect.stringContaining('RootDirectory=/opt/composable/c') }),
    ]);
  });

  it('skips a unit that insists on a mount namespace, with its file and line', () => {
    const r = plan(
      [
        service({ name: 'dyn', source: '/opt/composable/dyn' }, { profile: 'trusted', serviceLines: ['DynamicUser=yes'] }),
        service(
          { name: 'bind', source: '/opt/composable/bind' },
          { profile: 'trusted', dropIn: '[Service]\nBindReadOnlyPaths=/etc/a -/etc/b:/srv/b:rbind\n' },
        ),
      ],
      unprivileged,
    );
    expect(r.entry('dyn').reasons).toEqual([
      expect.objectContaining({
        code: 'capability-missing',
        file: 'usr/lib/systemd/system/dyn.service',
        line: 3,
        message: expect.stringContaining('DynamicUser=yes'),
      }),
    ]);
    expect(r.entry('dyn').reasons![0]!.message).toContain('have the agent set "user"');
    expect(r.entry('bind').reasons).toEqual([
      expect.objectContaining({ code: 'capability-missing', file: 'usr/lib/systemd/system/bind.service.d/10-local.conf', line: 2 }),
    ]);
  });

  it('does not skip what systemd does without a namespace: DynamicUser= reset by a drop-in, binds onto the same path', () => {
    const r = plan(
      [
        service(
          { name: 'dyn', source: '/opt/composable/dyn' },
          { profile: 'trusted', serviceLines: ['DynamicUser=yes'], dropIn: '[Service]\nDynamicUser=no\n' },
        ),
        service(
          { name: 'same', source: '/opt/composable/same' },
          { profile: 'trusted', serviceLines: ['BindReadOnlyPaths=/etc/machine-id -/etc/resolv.conf:/etc/resolv.conf', 'PrivateTmp=yes'] },
        ),
        service(
          { name: 'reset', source: '/opt/composable/reset' },
          { profile: 'trusted', serviceLines: ['TemporaryFileSystem=/var/cache', 'TemporaryFileSystem='] },
        ),
      ],
      unprivileged,
    );
    for (const n of ['dyn', 'same', 'reset']) expect(r.entry(n).state).toBe('enabled');
  });

  it('lists every reason of one package at once', () => {
    const r = plan(
      [
        service(
          { name: 'all', source: '/run/composable/store/all-1', mode: 'chroot' },
          { profile: 'strict', serviceLines: ['DynamicUser=yes'] },
        ),
      ],
      unprivileged,
    );
    expect(r.entry('all').reasons!.map((x) => x.code)).toEqual([
      'capability-missing',
      'capability-missing',
      'profile-unsupported',
      'capability-missing',
    ]);
  });
});

describe('composable status', () => {
  it('says why a service runs with less sandboxing, under its units', async () => {
    const { buildReport, renderReport } = await import('../../../cli/commands/status.ts');
    const r = plan([service({ name: 'd', source: '/opt/composable/d' })], unprivileged);
    const text = renderReport(
      buildReport(
        r.status,
        new Map([
          [
            'd.service',
            { id: 'd.service', activeState: 'active', subState: 'running', result: 'success', loadState: 'loaded', mainPid: '7' },
          ],
        ]),
      ),
    );
    expect(text).toMatch(/d\.service +active \(running\)\n +sandbox: the container lacks CAP_SYS_ADMIN.*without .*ProtectSystem=full/);
  });
});
