// The generator in a real unprivileged podman container (no --privileged, no --cap-add): packages
// the engine mounted at their stable path start, default and nonetwork run their unprivileged
// variant (and nonetwork still has no IP sockets), and what cannot run there (strict,
// DynamicUser=, a store package needing a bind mount) is skipped with its reason, never left
// failed. Run one at a time:
//   npm run build && flock /tmp/composable-containers.lock npx vitest run test/e2e/unprivileged.test.ts
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST } from '../harness/nspawn.ts';
import { ensureSystemdImage, removeHarnessContainers, withContainer } from '../harness/podman.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { settingsNeedingNamespace, settingsWithoutEffect } from '../../generator/plan/unprivileged.ts';
import { parseUnitFile } from '../../sdk/unit-file/parse.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.podman, requirement.debootstrap], 'unprivileged generator e2e');

/** A package directory with one service running `script`. */
function writePackage(dir: string, name: string, script: string, opts: { profile?: string; service?: string } = {}): void {
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(
    join(dir, 'usr/lib/os-release'),
    `NAME=${name}\nID=${name}\nVERSION_ID=1.0.0\n${opts.profile ? `COMPOSABLE_PROFILE=${opts.profile}\n` : ''}`,
  );
  writeFileSync(join(dir, 'usr/bin', name), `#!/bin/bash\n${script}\n`);
  chmodSync(join(dir, 'usr/bin', name), 0o755);
  writeFileSync(
    join(dir, 'usr/lib/systemd/system', `${name}.service`),
    `[Service]\nExecStart=/usr/bin/${name}\n${opts.service ?? ''}\n[Install]\nWantedBy=multi-user.target\n`,
  );
}

describe.skipIf(missing.length > 0)('the generator in an unprivileged podman container', () => {
  let image = '';
  let work = '';
  beforeAll(async () => {
    if (!existsSync(join(DIST, 'composable-generator.cjs'))) throw new Error('run `npm run build` first (npm test does)');
    image = await ensureSystemdImage();
    work = mkdtempSync(join(tmpdir(), 'composable-unprivileged-'));
  }, 20 * 60_000);
  afterAll(async () => {
    await removeHarnessContainers();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'runs engine-mounted packages, skips with a reason what cannot run, and leaves no unit failed',
    async () => {
      const pkgs = join(work, 'pkgs');
      writePackage(join(pkgs, 'u-default'), 'u-default', 'exec sleep infinity');
      // The nonetwork promise must hold without PrivateNetwork=: an IP socket is refused by seccomp.
      writePackage(
        join(pkgs, 'u-nonetwork'),
        'u-nonetwork',
        'if (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null; then echo ip-socket=allowed; else echo ip-socket=denied; fi\nexec sleep infinity',
        { profile: 'nonetwork' },
      );
      writePackage(join(pkgs, 'u-strict'), 'u-strict', 'exec sleep infinity', { profile: 'strict' });
      writePackage(join(pkgs, 'u-dynamic'), 'u-dynamic', 'exec sleep infinity', { service: 'DynamicUser=yes' });
      writePackage(join(pkgs, 'u-store'), 'u-store', 'exec sleep infinity');
      const services = [
        { name: 'u-default', source: '/opt/composable/u-default' },
        { name: 'u-nonetwork', source: '/opt/composable/u-nonetwork' },
        { name: 'u-strict', source: '/opt/composable/u-strict' },
        { name: 'u-dynamic', source: '/opt/composable/u-dynamic' },
        { name: 'u-store', source: '/run/composable/store/u-store-1.0.0' },
      ];
      writeFileSync(join(work, 'metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
      const bind = (source: string, target: string): string[] => ['--mount', `type=bind,source=${source},target=${target},ro=true`];
      const args = [
        ...bind(join(work, 'metadata.json'), '/run/composable/metadata.json'),
        ...['u-default', 'u-nonetwork', 'u-strict', 'u-dynamic'].flatMap((n) => bind(join(pkgs, n), `/opt/composable/${n}`)),
        ...bind(join(pkgs, 'u-store'), '/run/composable/store/u-store-1.0.0'),
      ];

      await withContainer({ image, args, timeoutMs: 55_000 }, async (c) => {
        await c.waitForSystemd(40_000);
        const status = JSON.parse((await c.exec(['cat', '/run/composable/status.json'])).stdout) as Status;
        const entry = (n: string) => status.services.find((s) => s.name === n)!;

        for (const n of ['u-default', 'u-nonetwork']) {
          expect(entry(n)).toMatchObject({ state: 'enabled', mountedBy: 'engine', sandbox: { variant: 'unprivileged' } });
          expect((await c.exec(['systemctl', 'is-active', `${n}.service`])).stdout.trim(), n).toBe('active');
        }
        expect((await c.exec(['systemctl', 'cat', 'u-default.service'])).stdout).not.toContain('ProtectSystem=');
        // systemd knows the engine's mount from mountinfo; the service is ordered after it, so it stops first.
        expect(
          (await c.exec(['systemctl', 'show', '-p', 'ActiveState', '--value', 'opt-composable-u\\x2ddefault.mount'])).stdout.trim(),
        ).toBe('active');
        // systemctl show quotes a name with a backslash and doubles the backslash.
        const after = (await c.exec(['systemctl', 'show', '-p', 'After', '--value', 'u-default.service'])).stdout;
        expect(after.split(' ').map((w) => w.replace(/^"(.*)"$/, '$1').replaceAll('\\\\', '\\'))).toContain(
          'opt-composable-u\\x2ddefault.mount',
        );
        expect((await c.exec(['journalctl', '-o', 'cat', '-u', 'u-nonetwork.service'])).stdout).toContain('ip-socket=denied');

        expect(entry('u-strict').reasons?.map((r) => r.code)).toEqual(['profile-unsupported']);
        expect(entry('u-dynamic').reasons).toEqual([
          expect.objectContaining({ code: 'capability-missing', message: expect.stringContaining('DynamicUser=yes') }),
        ]);
        expect(entry('u-store').reasons).toEqual([
          expect.objectContaining({ code: 'capability-missing', message: expect.stringContaining('CAP_SYS_ADMIN') }),
        ]);
        for (const n of ['u-strict', 'u-dynamic', 'u-store']) {
          expect((await c.exec(['systemctl', 'show', '-p', 'LoadState', '--value', `${n}.service`])).stdout.trim(), n).toBe('not-found');
        }
        // Nothing the generator wrote is left failed (226/NAMESPACE, a failed mount).
        const failed = (await c.exec(['systemctl', 'list-units', '--failed', '--plain', '--no-legend'])).stdout;
        expect(failed).not.toMatch(/u-|composable/);
      });
    },
    20 * 60_000,
  );

  // The measurements behind docs/profiles.md and generator/plan/unprivileged.ts, held against real
  // systemd: what the planner skips fails with 226/NAMESPACE, what it calls without effect runs
  // with none, and the seccomp and capability settings it keeps work.
  it('systemd fails exactly the settings the planner skips, and runs the ones it calls without effect with none', async () => {
    const probe = [
      'if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then echo mntns=shared; else echo mntns=private; fi',
      'echo interfaces=$(($(wc -l < /proc/net/dev) - 2))',
      'if (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null; then echo tcp=connected; else echo tcp=$( (exec ' +
        '3<>/dev/tcp/127.0.0.1/9) 2>&1 | sed "s/.*: //"); fi',
      'grep -E "^(NoNewPrivs|CapBnd):" /proc/self/status | tr -s "\\t" "="',
    ]
      .join('; ')
      .replaceAll('$', '$$');
    const cases: Record<string, { setting: string; expect: 'fails' | RegExp[] }> = {
      baseline: { setting: '', expect: [/mntns=shared/, /tcp=Connection refused/, /NoNewPrivs:=0/] },
      dynamicuser: { setting: 'DynamicUser=yes', expect: 'fails' },
      tmpfs: { setting: 'TemporaryFileSystem=/srv', expect: 'fails' },
      bindelsewhere: { setting: 'BindPaths=/etc:/srv', expect: 'fails' },
      rootdirectory: { setting: 'RootDirectory=/opt', expect: 'fails' },
      bindsame: { setting: 'BindReadOnlyPaths=/etc/machine-id', expect: [/mntns=shared/] },
      protectsystem: { setting: 'ProtectSystem=full', expect: [/mntns=shared/] },
      privatetmp: { setting: 'PrivateTmp=yes', expect: [/mntns=shared/] },
      protecthome: { setting: 'ProtectHome=yes', expect: [/mntns=shared/] },
      privatenetwork: { setting: 'PrivateNetwork=yes', expect: [/interfaces=([2-9]|\d\d)/] },
      ipaddressdeny: { setting: 'IPAddressDeny=any', expect: [/tcp=Connection refused/] },
      addressfamilies: { setting: 'RestrictAddressFamilies=AF_UNIX AF_NETLINK', expect: [/tcp=Address family not supported/] },
      lockpersonality: { setting: 'LockPersonality=yes', expect: [/NoNewPrivs:=1/] },
      capabilities: { setting: 'CapabilityBoundingSet=', expect: [/CapBnd:=0000000000000000/] },
    };
    const units = join(work, 'units');
    mkdirSync(units, { recursive: true });
    for (const [name, c] of Object.entries(cases)) {
      const text = `[Service]\nType=oneshot\nExecStart=/bin/bash -c '${probe}'\n${c.setting}\n`;
      writeFileSync(join(units, `exp-${name}.service`), text);
      // The planner's view of the same unit agrees with what systemd does with it below.
      const files = [{ unit: parseUnitFile(text), origin: name }];
      expect(settingsNeedingNamespace(files).length > 0, `${c.setting}: skipped by the planner`).toBe(c.expect === 'fails');
      if (['protectsystem', 'privatetmp', 'protecthome', 'privatenetwork', 'ipaddressdeny'].includes(name))
        expect(settingsWithoutEffect(files), c.setting).toHaveLength(1);
    }
    const names = Object.keys(cases).map((n) => `exp-${n}.service`);
    await withContainer(
      { image, args: ['--mount', `type=bind,source=${units},target=/run/systemd/system,ro=true`], timeoutMs: 55_000 },
      async (c) => {
        await c.waitForSystemd(40_000);
        await c.exec(['systemctl', 'start', ...names], { timeoutMs: 30_000 });
        for (const [name, expected] of Object.entries(cases)) {
          const unit = `exp-${name}.service`;
          const shown = (await c.exec(['systemctl', 'show', '-p', 'Result', '-p', 'ExecMainStatus', unit])).stdout;
          const out = (await c.exec(['journalctl', '-o', 'cat', '-u', unit])).stdout;
          if (expected.expect === 'fails') {
            expect(shown, `${expected.setting}\n${out}`).toContain('ExecMainStatus=226');
          } else {
            expect(shown, `${expected.setting}\n${out}`).toContain('Result=success');
            for (const re of expected.expect) expect(out, expected.setting).toMatch(re);
          }
        }
      },
    );
  }, 120_000);
});
