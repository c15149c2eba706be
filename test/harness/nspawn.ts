// Boots a real systemd as PID 1 of a systemd-nspawn container on a minimal Debian root, with the
// generator, packages and metadata put in place the way an agent would. Used by the real-systemd
// tests, the boot benchmark and `composable demo --boot`. Every boot has a hard
// timeout; every temporary directory is removed afterwards (COMPOSABLE_E2E_KEEP=1 keeps them).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** Bump to rebuild cached root file systems after changing how they are prepared. */
const ROOTFS_VERSION = 2;
const SUITE = 'bookworm';
const INCLUDE = ['systemd', 'systemd-sysv', 'systemd-container', 'dbus', 'libstdc++6', 'procps', 'iproute2'];

export const CACHE_DIR = process.env.COMPOSABLE_CACHE_DIR ?? join(homedir(), '.cache', 'composable');
/** The source checkout (tests and benchmarks run from it; the bundled demo passes its own paths). */
export const REPO = join(import.meta.dirname, '..', '..');
export const DIST = join(REPO, 'dist');

/**
 * How the CLI is installed in a container: the built entry and its directory of command chunks
 * (dist/composable.mjs and dist/cli/, built by scripts/build.mjs) side by side in CLI_INSTALL.dir,
 * the way npm installs them, and `composable` on the PATH at CLI_INSTALL.bin running the entry.
 * The entry loads its chunks relative to its own path, so the two must stay together.
 */
export const CLI_INSTALL = {
  dir: '/usr/local/lib/composable',
  entry: 'composable.mjs',
  chunks: 'cli',
  bin: '/usr/local/bin/composable',
} as const;

/** A built CLI on the host: its entry file and the chunk directory beside it (which must exist). */
export function builtCli(entry: string): { entry: string; chunks: string } {
  const chunks = join(dirname(entry), CLI_INSTALL.chunks);
  if (!existsSync(chunks))
    throw new Error(`${chunks} is missing: the CLI ${entry} needs its chunk directory beside it (npm run build writes both)`);
  return { entry, chunks };
}

function rootfsKey(): string {
  return createHash('sha256').update(JSON.stringify({ SUITE, INCLUDE, ROOTFS_VERSION })).digest('hex').slice(0, 12);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A lock directory (mkdir is atomic) with stale-lock recovery, so parallel test files build once. */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let alive = false;
      if (owner > 0) {
        try {
          process.kill(owner, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (owner > 0 && !alive) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      else await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * The cached root file system, built once with debootstrap into a temporary directory and
 * renamed into place when complete, so a half-built root is never used.
 */
export async function ensureRootfs(): Promise<string> {
  const dir = join(CACHE_DIR, `rootfs-${SUITE}-${rootfsKey()}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, '.complete'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const started = Date.now();
    // No mirror argument: debootstrap uses its default Debian mirror.
    await execa('debootstrap', ['--variant=minbase', `--include=${INCLUDE.join(',')}`, SUITE, tmp], { timeout: 20 * 60_000, all: true });
    prepareRootfs(tmp);
    writeFileSync(join(tmp, '.complete'), `built in ${Date.now() - started} ms\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  });
}

/** Make boots fast and quiet: nothing that waits for hardware, a terminal or the network. */
function prepareRootfs(root: string): void {
  const etc = join(root, 'etc/systemd/system');
  mkdirSync(etc, { recursive: true });
  for (const unit of [
    'console-getty.service',
    'getty@.service',
    'container-getty@.service',
    'systemd-timesyncd.service',
    'apt-daily.timer',
    'apt-daily-upgrade.timer',
    'e2scrub_all.timer',
    'fstrim.timer',
    'systemd-networkd-wait-online.service',
  ]) {
    rmSync(join(etc, unit), { force: true });
    symlinkSync('/dev/null', join(etc, unit));
  }
  writeFileSync(join(root, 'etc/hostname'), 'composable-e2e\n');
  // An empty machine-id: systemd makes a transient one at boot, as in a fresh container.
  writeFileSync(join(root, 'etc/machine-id'), '');
}

export interface PackageMount {
  /** Host directory of the package, or its image file. */
  dir: string;
  /** Name below /run/composable/store/. */
  storeName: string;
}

export interface BootOptions {
  /** Host path of the bundled generator (default: dist/composable-generator.cjs). */
  generator?: string | false;
  /** Host path of the built CLI's entry (default: dist/composable.mjs); it and its chunk directory
   *  are bound at CLI_INSTALL.dir, with `composable` at /usr/local/bin/composable running it. */
  cli?: string | false;
  packages?: PackageMount[];
  /** Written as /run/composable/metadata.json before boot. */
  metadata?: unknown;
  credentials?: { service: string; name: string; content: string }[];
  /** Extra unit files in /run/systemd/system (relative path -> content; drop-ins allowed), enabled through `enable`. */
  units?: Record<string, string>;
  enable?: { unit: string; wantedBy: string }[];
  /** Shell script run after boot by the probe service; it writes findings to /results. */
  probe: string;
  /** Hard limit for the whole boot. */
  timeoutMs?: number;
  /** Extra files placed in /run/composable (relative path -> content), e.g. next metadata. */
  runFiles?: Record<string, string>;
  /** Give the container the host's loop devices, for packages given as images. */
  loopDevices?: boolean;
  /** A host directory `composable render` wrote, bound read-only at /run/composable/render. */
  render?: string;
}

export interface BootResult {
  exitCode: number | undefined;
  timedOut: boolean;
  console: string;
  durationMs: number;
  resultsDir: string;
  runDir: string;
  /** This boot's own work directory: it appears in its nspawn's command line and nowhere else. */
  workDir: string;
  read(name: string): string;
  cleanup(): void;
}

const PROBE_UNIT = `[Unit]
Description=composable e2e probe
# No default dependencies: multi-user.target must not wait for the probe, which waits for it.
DefaultDependencies=no
After=multi-user.target composable-late.target

[Service]
Type=oneshot
StandardOutput=journal+console
StandardError=journal+console
Environment=PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
ExecStart=/bin/sh -e /run/composable-e2e/probe.sh
ExecStopPost=/bin/systemctl --no-block poweroff
`;

/** Every process below `root` (children first level first), read from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The host's loop devices, bound into the container so it can loop-mount package images. */
function loopDeviceBinds(): string[] {
  const binds = existsSync('/dev/loop-control') ? ['--bind=/dev/loop-control'] : [];
  // Every loop node there is, gaps included: systemd in a container removes the nodes of loop
  // devices it is done with, and on some hosts that removes them from the host's /dev too.
  const nodes = readdirSync('/dev')
    .filter((n) => /^loop\d+$/.test(n))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  for (const n of nodes.slice(0, 64)) binds.push(`--bind=/dev/${n}`);
  return binds;
}

/** Boot once; resolves when the container has powered off (or was killed at the timeout). */
export async function bootContainer(opts: BootOptions): Promise<BootResult> {
  const rootfs = await ensureRootfs();
  const work = mkdtempSync(join(tmpdir(), 'composable-e2e-'));
  try {
    return await bootIn(work, rootfs, opts);
  } catch (e) {
    // Nothing half-prepared outlives a failure.
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

async function bootIn(work: string, rootfs: string, opts: BootOptions): Promise<BootResult> {
  const runDir = join(work, 'run');
  const resultsDir = join(work, 'results');
  const unitsDir = join(work, 'units');
  const e2eDir = join(work, 'e2e');
  for (const d of [runDir, join(runDir, 'store'), resultsDir, unitsDir, e2eDir]) mkdirSync(d, { recursive: true });
  chmodSync(resultsDir, 0o777);

  if (opts.metadata !== undefined) writeFileSync(join(runDir, 'metadata.json'), `${JSON.stringify(opts.metadata, null, 2)}\n`);
  for (const [rel, content] of Object.entries(opts.runFiles ?? {})) {
    mkdirSync(join(runDir, rel, '..'), { recursive: true });
    writeFileSync(join(runDir, rel), content);
  }
  for (const c of opts.credentials ?? []) {
    const d = join(runDir, 'credentials', c.service);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(join(runDir, 'credentials'), 0o700);
    writeFileSync(join(d, c.name), c.content, { mode: 0o600 });
  }
  if (opts.render) mkdirSync(join(runDir, 'render'));
  const storeBinds: string[] = [];
  for (const p of opts.packages ?? []) {
    // The mount point has the source's type: a directory for a tree, a file for an image.
    if (statSync(p.dir).isFile()) writeFileSync(join(runDir, 'store', p.storeName), '');
    else mkdirSync(join(runDir, 'store', p.storeName), { recursive: true });
    storeBinds.push(`--bind-ro=${p.dir}:/run/composable/store/${p.storeName}`);
  }
  writeFileSync(join(unitsDir, 'composable-e2e-probe.service'), PROBE_UNIT);
  const enable = [...(opts.enable ?? []), { unit: 'composable-e2e-probe.service', wantedBy: 'multi-user.target' }];
  for (const [name, content] of Object.entries(opts.units ?? {})) {
    // Names may have a directory part: drop-ins such as `x.service.d/50-x.conf`.
    mkdirSync(join(unitsDir, name, '..'), { recursive: true });
    writeFileSync(join(unitsDir, name), content);
  }
  for (const e of enable) {
    mkdirSync(join(unitsDir, `${e.wantedBy}.wants`), { recursive: true });
    symlinkSync(`../${e.unit}`, join(unitsDir, `${e.wantedBy}.wants`, e.unit));
  }
  writeFileSync(join(e2eDir, 'probe.sh'), opts.probe);

  const generator = opts.generator === false ? undefined : (opts.generator ?? join(DIST, 'composable-generator.cjs'));
  const cli = opts.cli === false ? undefined : builtCli(opts.cli ?? join(DIST, 'composable.mjs'));
  // nspawn binds files and directories but cannot make the symlink npm would: a launcher script
  // in the work dir stands in for it.
  if (cli)
    writeFileSync(join(e2eDir, 'composable'), `#!/bin/sh\nexec /usr/local/bin/node ${CLI_INSTALL.dir}/${CLI_INSTALL.entry} "$@"\n`, {
      mode: 0o755,
    });
  const args = [
    '--quiet',
    '--keep-unit',
    '--register=no',
    '--volatile=overlay',
    '--private-network',
    '--console=read-only',
    `--directory=${rootfs}`,
    `--bind-ro=${process.execPath}:/usr/local/bin/node`,
    `--bind=${runDir}:/run/composable`,
    ...storeBinds,
    ...(opts.render ? [`--bind-ro=${opts.render}:/run/composable/render`] : []),
    `--bind=${resultsDir}:/results`,
    `--bind-ro=${unitsDir}:/run/systemd/system`,
    `--bind-ro=${e2eDir}:/run/composable-e2e`,
    ...(generator ? [`--bind-ro=${generator}:/usr/lib/systemd/system-generators/composable-generator`] : []),
    ...(cli
      ? [
          `--bind-ro=${cli.entry}:${CLI_INSTALL.dir}/${CLI_INSTALL.entry}`,
          `--bind-ro=${cli.chunks}:${CLI_INSTALL.dir}/${CLI_INSTALL.chunks}`,
          `--bind-ro=${join(e2eDir, 'composable')}:${CLI_INSTALL.bin}`,
        ]
      : []),
    ...(opts.loopDevices ? loopDeviceBinds() : []),
    '--boot',
  ];
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const child = execa('systemd-nspawn', args, { reject: false, all: true, stdin: 'ignore', env: { SYSTEMD_LOG_COLOR: '0' } });
  // At the time limit the whole container goes, not only nspawn: killing nspawn alone would
  // leave the container's systemd and everything under it running.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) for (const pid of descendants(child.pid).reverse()) killQuietly(pid);
    child.kill('SIGKILL');
  }, timeoutMs);
  const r = await child;
  clearTimeout(timer);
  const durationMs = Date.now() - started;
  const keep = process.env.COMPOSABLE_E2E_KEEP === '1';
  const result: BootResult = {
    exitCode: r.exitCode,
    timedOut,
    console: r.all ?? '',
    durationMs,
    resultsDir,
    runDir,
    workDir: work,
    read: (name) => readFileSync(join(resultsDir, name), 'utf8'),
    cleanup: () => {
      if (keep) console.warn(`kept e2e work dir ${work}`);
      else rmSync(work, { recursive: true, force: true });
    },
  };
  return result;
}

/** Parse `systemctl show` output (KEY=VALUE lines) into a record. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Copy a package directory into a fresh temp dir (for changing it per test). */
export function copyPackage(src: string): string {
  const dst = mkdtempSync(join(tmpdir(), 'composable-pkg-'));
  cpSync(src, dst, { recursive: true });
  return dst;
}
