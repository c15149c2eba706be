// A chroot-mode package is also a portable service image: systemd 252's real portablectl, inside a
// booted Debian container, attaches each chroot example (as NAME_VERSION.raw from `composable pack
// --format raw`, and as a read-only directory named NAME) and a package made by `composable init
// --mode chroot`, starts its units, sees them run in their own root, and detaches them cleanly.
// The same example also runs under the generator in chroot mode.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_TIMEOUT, useBoots } from './suite.ts';
import { DIST, REPO, parseShow } from '../harness/nspawn.ts';
import { completeChrootPackage } from '../../cli/commands/init.ts';
import { packPackage } from '../../sdk/artifact/pack.ts';
import { portablectlAttach } from '../../host/portable.ts';
import { readElf } from '../../sdk/artifact/elf.ts';
import { missingRequirements, requirement, type Requirement } from '../helpers/requirements.ts';

const staticBusybox: Requirement = {
  name: 'a static /bin/busybox (apt install busybox-static)',
  present: () => {
    const elf = readElf('/bin/busybox');
    return Boolean(elf && !elf.interpreter);
  },
};
const missing = missingRequirements(
  [requirement.root, requirement.nspawn, requirement.debootstrap, requirement.mksquashfs, requirement.loopDevices, staticBusybox],
  'portablectl e2e tests',
);

/** The chroot examples (COMPOSABLE_MODE=chroot under examples/). */
const CHROOT_EXAMPLES = [{ name: 'heartbeat', version: '1.0.0' }];

/** One image to attach: what to wait for and what must hold while attached. */
interface PortableCase {
  tag: string;
  /** Path inside the container. */
  image: string;
  name: string;
  version: string;
  /** Each unit and its SubState while attached. */
  units: Record<string, string>;
  /** The unit whose main process must run in the image's root, if one keeps running. */
  main?: string;
  /** Shell condition that holds once the package did its work. */
  done: string;
  /** Shell command printing the work's evidence, and what it must match. */
  evidence: string;
  expect: RegExp;
}

/** heartbeat's case: the daemon beat twice, and the timer fired (run 1 is the start by --now, run 2 the timer's). */
function heartbeatCase(tag: string, image: string): PortableCase {
  return {
    tag,
    image,
    name: 'heartbeat',
    version: '1.0.0',
    units: { 'heartbeat.service': 'running', 'heartbeat-tick.timer': 'waiting' },
    main: 'heartbeat.service',
    done:
      '[ "$(cat /var/lib/private/heartbeat/beats 2>/dev/null || echo 0)" -ge 2 ] && [ "$(cat /var/lib/private/heartbeat-tick/runs ' +
      '2>/dev/null || echo 0)" -ge 2 ]',
    evidence: 'echo "beats=$(cat /var/lib/private/heartbeat/beats) runs=$(cat /var/lib/private/heartbeat-tick/runs)"',
    expect: /^beats=([2-9]|\d\d+) runs=([2-9]|\d\d+)$/,
  };
}

const work = mkdtempSync(join(tmpdir(), 'composable-portablectl-'));

/**
 * Make sure loop devices 0..count-1 exist on the host. The container gets the host's loop device
 * nodes that exist at boot, and systemd inside removes each loop device it is done with
 * (LOOP_CTL_REMOVE: portabled's inspection, every start of a unit with RootImage=), so without
 * this the pool shrinks with every run and leaves gaps. Attaching a file with `losetup -f` takes
 * the lowest free device or creates the lowest missing one; detaching keeps the device.
 */
async function topUpLoopDevices(count = 8): Promise<void> {
  const present = (): Set<number> =>
    new Set(
      readdirSync('/dev')
        .filter((n) => /^loop\d+$/.test(n))
        .map((n) => Number(n.slice(4))),
    );
  const file = join(work, 'loop-filler');
  writeFileSync(file, Buffer.alloc(64 * 1024));
  const attached: string[] = [];
  try {
    for (let i = 0; i < count * 3; i++) {
      const have = present();
      if ([...Array(count).keys()].every((n) => have.has(n))) break;
      const r = await execa('losetup', ['-f', '--show', file], { reject: false, timeout: 10_000 });
      if (r.exitCode !== 0) break;
      attached.push(r.stdout.trim());
    }
  } finally {
    for (const dev of attached) await execa('losetup', ['-d', dev], { reject: false, timeout: 10_000 });
  }
}

/** A completed copy of an example, in a directory named after its ID as portablectl wants. */
function completedExample(name: string): string {
  const dir = join(work, 'dirs', name);
  cpSync(join(REPO, 'examples', name), dir, { recursive: true });
  completeChrootPackage(dir);
  return dir;
}

/**
 * The probe part for one image: attach it with the command `composable inspect` prints, wait for
 * its work, record what systemd says, detach, record what is left. Findings go to /results/<tag>.*.
 */
function portableProbe(c: PortableCase): string {
  const attach = portablectlAttach({
    path: c.image,
    kind: c.image.endsWith('.raw') ? 'raw' : 'directory',
    name: c.name,
    version: c.version,
    mode: 'chroot',
    profile: 'default',
    prefixes: [c.name],
  });
  if (!attach.command) throw new Error(`no portablectl command for ${c.image}`);
  const units = Object.keys(c.units).join(' ');
  const main = c.main ?? Object.keys(c.units)[0]!;
  // The work's evidence is written while a timer's service still runs (the timer shows "running"
  // until it ends): give each unit up to 5 s to reach the state asserted, then record what it is.
  const settle = Object.entries(c.units)
    .map(([u, sub]) => `for i in $(seq 1 50); do [ "$(systemctl show -P SubState ${u})" = ${sub} ] && break; sleep 0.1; done`)
    .join('\n');
  return `
echo '${attach.command}' > /results/${c.tag}.command
${attach.command} > /results/${c.tag}.attach 2>&1; echo $? > /results/${c.tag}.attach.rc
for i in $(seq 1 150); do ${c.done} && break; sleep 0.1; done
(${c.evidence}) > /results/${c.tag}.evidence 2>&1
${settle}
for u in ${units}; do systemctl show -p ActiveState,SubState,Result,FragmentPath,DropInPaths $u | sed "s/^/$u./"; done > /results/${c.tag}.show
pid=$(systemctl show -p MainPID --value ${main})
grep '^ID=' /proc/$pid/root/usr/lib/os-release > /results/${c.tag}.root-id 2>&1 || true
portablectl list --no-legend --no-pager > /results/${c.tag}.list 2>&1
portablectl is-attached ${c.image} > /results/${c.tag}.is-attached 2>&1 || true
journalctl --no-pager -o cat -u '${c.name}*' > /results/${c.tag}.journal 2>&1 || true
${attach.detach} > /results/${c.tag}.detach 2>&1; echo $? > /results/${c.tag}.detach.rc
for u in ${units}; do systemctl show -p LoadState,ActiveState $u | sed "s/^/$u./"; done > /results/${c.tag}.after
ls -A /etc/systemd/system.attached > /results/${c.tag}.attached-left 2>/dev/null || true
[ "$pid" != 0 ] && kill -0 $pid 2>/dev/null && echo "$pid still running" > /results/${c.tag}.left-running
rm -rf /var/lib/private/* /var/lib/${c.name} /run/${c.name}
`;
}

describe.skipIf(missing.length > 0)('portablectl attaches composable chroot packages (real systemd 252)', () => {
  const boot = useBoots();
  beforeAll(() => topUpLoopDevices(), 60_000);
  afterAll(async () => {
    await topUpLoopDevices();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it(
    'attaches each chroot example as NAME_VERSION.raw and as a directory, and each chroot init ' +
      'template: they run in their own root and detach cleanly',
    async () => {
      const packages: { dir: string; storeName: string }[] = [];
      const cases: PortableCase[] = [];
      for (const ex of CHROOT_EXAMPLES) {
        const dir = completedExample(ex.name);
        const raw = join(work, `${ex.name}_${ex.version}.raw`);
        await packPackage(dir, raw, 'raw');
        // The directory also under the store's name NAME-VERSION: inspect's command then names the prefix.
        packages.push(
          { dir: raw, storeName: `${ex.name}_${ex.version}.raw` },
          { dir, storeName: ex.name },
          { dir, storeName: `${ex.name}-${ex.version}` },
        );
      }
      cases.push(
        heartbeatCase('heartbeat.raw', '/run/composable/store/heartbeat_1.0.0.raw'),
        heartbeatCase('heartbeat.dir', '/run/composable/store/heartbeat'),
        heartbeatCase('heartbeat.versioned-dir', '/run/composable/store/heartbeat-1.0.0'),
      );
      // Packages straight from `composable init --mode chroot`, one per template, as directories.
      const init = async (name: string, template: string): Promise<void> => {
        const dir = join(work, 'dirs', name);
        const r = await execa(
          'node',
          [join(DIST, 'composable.mjs'), 'init', dir, '--name', name, '--template', template, '--mode', 'chroot'],
          { reject: false, timeout: 60_000 },
        );
        expect(r.exitCode, r.stderr).toBe(0);
        packages.push({ dir, storeName: name });
      };
      await init('pdaemon', 'daemon');
      await init('ptimer', 'timer');
      await init('poneshot', 'oneshot');
      const base = { version: '0.1.0' };
      cases.push(
        {
          ...base,
          tag: 'pdaemon.dir',
          image: '/run/composable/store/pdaemon',
          name: 'pdaemon',
          units: { 'pdaemon.service': 'running' },
          main: 'pdaemon.service',
          done: '[ -s /var/lib/private/pdaemon/last-run ]',
          evidence: 'cat /var/lib/private/pdaemon/last-run',
          expect: /^\d{10}$/,
        },
        {
          ...base,
          tag: 'ptimer.dir',
          image: '/run/composable/store/ptimer',
          name: 'ptimer',
          units: { 'ptimer.service': 'dead', 'ptimer.timer': 'waiting' },
          done: '[ -s /var/lib/private/ptimer/runs ]',
          evidence: 'cat /var/lib/private/ptimer/runs',
          expect: /^1$/,
        },
        {
          ...base,
          tag: 'poneshot.dir',
          image: '/run/composable/store/poneshot',
          name: 'poneshot',
          units: { 'poneshot.service': 'exited' },
          done: '[ -s /run/poneshot/status ]',
          evidence: 'cat /run/poneshot/status',
          expect: /^ready$/,
        },
      );

      const b = await boot({ loopDevices: true, packages, probe: `set +e\n${cases.map(portableProbe).join('\n')}`, timeoutMs: 120_000 });
      for (const c of cases) {
        const context = `${c.tag}: ${b.read(`${c.tag}.command`)}attach: ${b.read(`${c.tag}.attach`)}\njournal:\n${b.read(`${c.tag}.journal`)}`;
        expect(b.read(`${c.tag}.attach.rc`).trim(), context).toBe('0');
        expect(b.read(`${c.tag}.evidence`).trim(), context).toMatch(c.expect);
        const show = parseShow(b.read(`${c.tag}.show`));
        for (const [u, sub] of Object.entries(c.units)) {
          expect(show[`${u}.SubState`], `${u}: ${context}`).toBe(sub);
          if (sub === 'dead') expect(show[`${u}.Result`], u).toBe('success');
          else expect(show[`${u}.ActiveState`], u).toBe('active');
          // Attached by portablectl: the unit copied into system.attached with its 20-portable.conf.
          expect(show[`${u}.FragmentPath`], u).toBe(`/etc/systemd/system.attached/${u}`);
          expect(show[`${u}.DropInPaths`], u).toContain('20-portable.conf');
        }
        // Its own root: the main process's / is the image (its os-release), not the container's.
        if (c.main) expect(b.read(`${c.tag}.root-id`).trim(), context).toBe(`ID=${c.name}`);
        expect(b.read(`${c.tag}.list`)).toMatch(/attached|running/);
        expect(b.read(`${c.tag}.is-attached`).trim()).toMatch(/^(attached|running)/);
        // Detached: units gone, nothing left in system.attached, the main process ended.
        expect(b.read(`${c.tag}.detach.rc`).trim(), b.read(`${c.tag}.detach`)).toBe('0');
        const after = parseShow(b.read(`${c.tag}.after`));
        for (const u of Object.keys(c.units)) expect(after[`${u}.LoadState`], `${u} after detach`).toBe('not-found');
        expect(b.read(`${c.tag}.attached-left`).trim()).toBe('');
        expect(() => b.read(`${c.tag}.left-running`)).toThrow();
      }
      // The versioned directory needed the prefix on the command line, as inspect says.
      expect(b.read('heartbeat.versioned-dir.command').trim()).toBe(
        'portablectl attach --enable --now --profile=default /run/composable/store/heartbeat-1.0.0 heartbeat',
      );
    },
    BOOT_TIMEOUT + 60_000,
  );

  it(
    'runs the same example under the generator in chroot mode',
    async () => {
      const ex = CHROOT_EXAMPLES[0]!;
      const dir = join(work, 'store', `${ex.name}-${ex.version}`);
      cpSync(join(REPO, 'examples', ex.name), dir, { recursive: true });
      completeChrootPackage(dir);
      const b = await boot({
        packages: [{ dir, storeName: `${ex.name}-${ex.version}` }],
        metadata: {
          schemaVersion: 1,
          services: [{ name: ex.name, source: `/run/composable/store/${ex.name}-${ex.version}`, version: ex.version }],
        },
        probe: `for i in $(seq 1 150); do [ "$(cat /var/lib/private/heartbeat/beats 2>/dev/null || echo 0)" -ge 2 ] && [ "$(cat /var/lib/private/heartbeat-tick/runs 2>/dev/null || echo 0)" -ge 1 ] && break; sleep 0.1; done
for u in heartbeat.service heartbeat-tick.timer; do systemctl show -p ActiveState,SubState $u | sed "s/^/$u./"; done > /results/show
grep '^ID=' /proc/$(systemctl show -p MainPID --value heartbeat.service)/root/usr/lib/os-release > /results/root-id 2>&1
cat /var/lib/private/heartbeat-tick/runs > /results/runs 2>&1
journalctl --no-pager -o cat -u 'heartbeat*' > /results/journal 2>&1
`,
      });
      const show = parseShow(b.read('show'));
      expect(show['heartbeat.service.ActiveState'], b.read('journal')).toBe('active');
      expect(show['heartbeat-tick.timer.ActiveState']).toBe('active');
      expect(Number(b.read('runs').trim()), b.read('journal')).toBeGreaterThanOrEqual(1);
      expect(b.read('root-id').trim()).toBe('ID=heartbeat');
    },
    BOOT_TIMEOUT,
  );
});
