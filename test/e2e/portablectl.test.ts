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
import { DIST, REPO, parseShow } from './nspawn.ts';
import { completeChrootPackage } from '../../cli/commands/init.ts';
import { packPackage } from '../../sdk/artifact/pack.ts';
import { portablectlAttach } from '../../sdk/portable.ts';
import { readElf } from '../../lint/util/elf.ts';
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

/** The chroot examples (COMPOSABLE_MODE=chroot under examples/), with what each one's check waits for. */
const CHROOT_EXAMPLES = [
  {
    name: 'heartbeat',
    version: '1.0.0',
    services: ['heartbeat.service'],
    timers: ['heartbeat-tick.timer'],
    // Counters in the state directories: the daemon beat twice, and the timer fired (run 1 is
    // the start by --now, run 2 the timer's).
    counters: ['heartbeat/beats', 'heartbeat-tick/runs'],
  },
];

const work = mkdtempSync(join(tmpdir(), 'composable-portablectl-'));

/**
 * Make sure loop devices 0..count-1 exist on the host. The container gets the host's loop device
 * nodes that exist at boot, and systemd inside removes each loop device it is done with
 * (LOOP_CTL_REMOVE: portabled's inspection, every start of a unit with RootImage=), so without
 * this the pool shrinks with every run and leaves gaps. Attaching a file with `losetup -f` takes
 * the lowest free device or creates the lowest missing one; detaching keeps the device.
 */
async function topUpLoopDevices(count = 8): Promise<void> {
  const present = (): Set<number> => new Set(readdirSync('/dev').filter((n) => /^loop\d+$/.test(n)).map((n) => Number(n.slice(4))));
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
 * The probe part for one image: attach with --now, wait for the counters, record what systemd
 * says, detach with --now, record what is left. Findings go to /results/<tag>.*.
 */
function portableProbe(tag: string, image: string, units: string[], counters: string[], name: string, version: string): string {
  // The exact command `composable inspect` prints for the package.
  const attach = portablectlAttach({ path: image, kind: image.endsWith('.raw') ? 'raw' : 'directory', name, version, mode: 'chroot', profile: 'default', prefixes: [name] });
  if (!attach.command) throw new Error(`no portablectl command for ${image}`);
  const waits = counters.map((c) => `[ "$(cat /var/lib/private/${c} 2>/dev/null || echo 0)" -ge 2 ]`).join(' && ');
  return `
${attach.command} > /results/${tag}.attach 2>&1; echo $? > /results/${tag}.attach.rc
for i in $(seq 1 150); do ${waits} && break; sleep 0.1; done
for c in ${counters.join(' ')}; do echo "$c=$(cat /var/lib/private/$c 2>/dev/null)"; done > /results/${tag}.counters
for u in ${units.join(' ')}; do systemctl show -p ActiveState,SubState,Result,MainPID,FragmentPath,DropInPaths $u | sed "s/^/$u./"; done > /results/${tag}.show
pid=$(systemctl show -p MainPID --value ${units[0]})
grep '^ID=' /proc/$pid/root/usr/lib/os-release > /results/${tag}.root-id 2>&1 || true
portablectl list --no-legend --no-pager > /results/${tag}.list 2>&1
portablectl is-attached ${image} > /results/${tag}.is-attached 2>&1 || true
journalctl --no-pager -o cat -u '${units[0].replace(/\.service$/, '')}*' > /results/${tag}.journal 2>&1 || true
portablectl detach --enable --now ${image} > /results/${tag}.detach 2>&1; echo $? > /results/${tag}.detach.rc
for u in ${units.join(' ')}; do systemctl show -p LoadState,ActiveState $u | sed "s/^/$u./"; done > /results/${tag}.after
ls -A /etc/systemd/system.attached > /results/${tag}.attached-left 2>/dev/null || true
kill -0 $pid 2>/dev/null && echo "$pid still running" > /results/${tag}.left-running || true
rm -rf /var/lib/private/* /var/lib/heartbeat* /var/lib/pdaemon
`;
}

describe.skipIf(missing.length > 0)('portablectl attaches composable chroot packages (real systemd 252)', () => {
  const boot = useBoots();
  beforeAll(() => topUpLoopDevices(), 60_000);
  afterAll(async () => {
    await topUpLoopDevices();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('attaches each chroot example as NAME_VERSION.raw and as a directory NAME, and a chroot init package: they run in their own root and detach cleanly', async () => {
    const packages: { dir: string; storeName: string }[] = [];
    const probes: string[] = [];
    const checks: { tag: string; units: string[]; counters: string[] }[] = [];
    for (const ex of CHROOT_EXAMPLES) {
      const dir = completedExample(ex.name);
      const raw = join(work, `${ex.name}_${ex.version}.raw`);
      await packPackage(dir, raw, 'raw');
      packages.push({ dir: raw, storeName: `${ex.name}_${ex.version}.raw` }, { dir, storeName: ex.name });
      const units = [...ex.services, ...ex.timers];
      for (const [tag, image] of [[`${ex.name}.raw`, `/run/composable/store/${ex.name}_${ex.version}.raw`], [`${ex.name}.dir`, `/run/composable/store/${ex.name}`]] as const) {
        probes.push(portableProbe(tag, image, units, ex.counters, ex.name, ex.version));
        checks.push({ tag, units, counters: ex.counters });
      }
    }
    // A package straight from `composable init --mode chroot`, attached as a directory.
    const initDir = join(work, 'dirs', 'pdaemon');
    const init = await execa('node', [join(DIST, 'composable.mjs'), 'init', initDir, '--name', 'pdaemon', '--template', 'daemon', '--mode', 'chroot'], { reject: false, timeout: 60_000 });
    expect(init.exitCode, init.stderr).toBe(0);
    packages.push({ dir: initDir, storeName: 'pdaemon' });
    probes.push(portableProbe('pdaemon.dir', '/run/composable/store/pdaemon', ['pdaemon.service'], [], 'pdaemon', '0.1.0').replace('for i in $(seq 1 150); do  && break; sleep 0.1; done', 'for i in $(seq 1 150); do [ -s /var/lib/private/pdaemon/last-run ] && break; sleep 0.1; done'));
    checks.push({ tag: 'pdaemon.dir', units: ['pdaemon.service'], counters: [] });

    const b = await boot({ loopDevices: true, packages, probe: `set +e\n${probes.join('\n')}`, timeoutMs: 120_000 });
    for (const c of checks) {
      const context = `${c.tag}\nattach: ${b.read(`${c.tag}.attach`)}\njournal:\n${b.read(`${c.tag}.journal`)}`;
      expect(b.read(`${c.tag}.attach.rc`).trim(), context).toBe('0');
      const show = parseShow(b.read(`${c.tag}.show`));
      for (const u of c.units) {
        expect(show[`${u}.ActiveState`], `${u}: ${context}`).toBe('active');
        expect(show[`${u}.SubState`], u).toBe(u.endsWith('.timer') ? 'waiting' : 'running');
        // Attached by portablectl: the unit copied into system.attached with its 20-portable.conf.
        expect(show[`${u}.FragmentPath`], u).toBe(`/etc/systemd/system.attached/${u}`);
        expect(show[`${u}.DropInPaths`], u).toContain('20-portable.conf');
      }
      for (const counter of c.counters) expect(Number(b.read(`${c.tag}.counters`).match(new RegExp(`${counter}=(\\d+)`))?.[1]), `${c.tag} ${counter}: ${context}`).toBeGreaterThanOrEqual(2);
      // Its own root: the main process's / is the image (its os-release), not the container's.
      expect(b.read(`${c.tag}.root-id`).trim(), context).toBe(`ID=${c.tag.split('.')[0]}`);
      expect(b.read(`${c.tag}.list`)).toMatch(/attached|running/);
      expect(b.read(`${c.tag}.is-attached`).trim()).toMatch(/^(attached|running)/);
      // Detached: units gone, nothing left in system.attached, the main process ended.
      expect(b.read(`${c.tag}.detach.rc`).trim(), b.read(`${c.tag}.detach`)).toBe('0');
      const after = parseShow(b.read(`${c.tag}.after`));
      for (const u of c.units) expect(after[`${u}.LoadState`], `${u} after detach`).toBe('not-found');
      expect(b.read(`${c.tag}.attached-left`).trim()).toBe('');
      expect(() => b.read(`${c.tag}.left-running`)).toThrow();
    }
  }, BOOT_TIMEOUT + 60_000);

  it('runs the same example under the generator in chroot mode', async () => {
    const ex = CHROOT_EXAMPLES[0]!;
    const dir = join(work, 'store', `${ex.name}-${ex.version}`);
    cpSync(join(REPO, 'examples', ex.name), dir, { recursive: true });
    completeChrootPackage(dir);
    const b = await boot({
      packages: [{ dir, storeName: `${ex.name}-${ex.version}` }],
      metadata: { schemaVersion: 1, services: [{ name: ex.name, source: `/run/composable/store/${ex.name}-${ex.version}`, version: ex.version }] },
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
  }, BOOT_TIMEOUT);
});
