// Runs a real systemd as PID 1 of an unprivileged podman container, for the podman tests (and the
// OCI hook's): a systemd image built once from ensureRootfs()'s Debian root with node and the
// bundled generator and CLI installed, containers started with a hard timeout, waited for until
// their systemd is up, and always removed. Every container the harness starts or adopts carries a
// label naming this process's harness, so clean-up and leak checks touch only its own containers,
// never others' on the same machine.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { builtCli, CACHE_DIR, CLI_INSTALL, DIST, ensureRootfs, withLock } from './nspawn.ts';

/**
 * This host's podman quirks, for tests only (never product defaults): crun refuses the hybrid
 * cgroup layout, and podman asks for more open files and processes than the sandbox grants.
 */
export const PODMAN_HOST_ARGS: readonly string[] = ['--runtime', 'runc', '--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768'];

/** The label every harness container carries; its value is the harness owner (one per process). */
export const HARNESS_LABEL = 'io.composable.harness';
export const HARNESS_OWNER = `${process.pid}-${randomBytes(4).toString('hex')}`;

/** Bump to rebuild cached images after changing how they are made. */
const IMAGE_VERSION = 2;
export const IMAGE_REPOSITORY = 'localhost/composable-systemd';

/** Where the image puts what it installs (paths inside the image). The CLI is its entry and chunk
 *  directory in CLI_INSTALL.dir, with `cli` a symlink to the entry (as npm links a bin). */
export const IMAGE_PATHS = {
  node: '/usr/local/bin/node',
  generator: '/usr/lib/systemd/system-generators/composable-generator',
  cli: CLI_INSTALL.bin,
} as const;

export interface SystemdImageOptions {
  /** Host path of the bundled generator (default: dist/composable-generator.cjs). */
  generator?: string;
  /** Host path of the built CLI's entry, its chunk directory beside it (default: dist/composable.mjs). */
  cli?: string;
  /** Host path of node (default: this node, /usr/bin/node on CI). */
  node?: string;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The podman image (`localhost/composable-systemd:<key>`) with systemd, node, the generator and
 * the CLI. The key is a digest of everything that goes in (the root's own key, node, the two
 * bundles, IMAGE_VERSION), so a rebuilt generator gives a new image and an unchanged one is
 * reused. Built under a lock, so parallel test files build once.
 */
export async function ensureSystemdImage(opts: SystemdImageOptions = {}): Promise<string> {
  const rootfs = await ensureRootfs();
  const files = {
    node: opts.node ?? process.execPath,
    generator: opts.generator ?? join(DIST, 'composable-generator.cjs'),
    cli: opts.cli ?? join(DIST, 'composable.mjs'),
  };
  const cli = builtCli(files.cli);
  const chunkNames = readdirSync(cli.chunks).sort();
  const cliDigests = [await fileSha256(cli.entry)];
  for (const name of chunkNames) cliDigests.push(`${name}:${await fileSha256(join(cli.chunks, name))}`);
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        IMAGE_VERSION,
        rootfs: basename(rootfs),
        node: await fileSha256(files.node),
        generator: await fileSha256(files.generator),
        cli: cliDigests,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const image = `${IMAGE_REPOSITORY}:${key}`;
  if (await imageExists(image)) return image;
  mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, `podman-image-${key}.lock`), async () => {
    if (await imageExists(image)) return image;
    const stage = mkdtempSync(join(tmpdir(), 'composable-podman-image-'));
    try {
      const install = (from: string, to: string): void => {
        const dst = join(stage, to);
        mkdirSync(join(dst, '..'), { recursive: true });
        copyFileSync(from, dst);
        chmodSync(dst, 0o755);
      };
      install(files.node, IMAGE_PATHS.node);
      install(files.generator, IMAGE_PATHS.generator);
      install(cli.entry, `${CLI_INSTALL.dir}/${CLI_INSTALL.entry}`);
      for (const name of chunkNames) install(join(cli.chunks, name), `${CLI_INSTALL.dir}/${CLI_INSTALL.chunks}/${name}`);
      mkdirSync(join(stage, IMAGE_PATHS.cli, '..'), { recursive: true });
      symlinkSync(`../lib/composable/${CLI_INSTALL.entry}`, join(stage, IMAGE_PATHS.cli));
      // One tar stream: the root, then only the added files (podman import refuses an archive
      // that names a path twice, so the stage's parent directories are not repeated).
      const added = [...Object.values(IMAGE_PATHS), CLI_INSTALL.dir].map((p) => `.${p}`);
      const script =
        'set -o pipefail; root=$1 stage=$2 image=$3; shift 3; tar --numeric-owner --exclude=./.complete ' +
        '-C "$root" -c . -C "$stage" "$@" | podman import --change \'CMD ["/sbin/init"]\' - "$image"';
      await execa('bash', ['-c', script, 'bash', rootfs, stage, image, ...added], {
        timeout: 10 * 60_000,
        all: true,
      }).catch((e: unknown) => {
        throw new Error(`building the podman systemd image ${image} failed: ${(e as { all?: string }).all ?? String(e)}`);
      });
      await pruneSystemdImages(image);
      return image;
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
}

/** The repository of the bare image: ensureRootfs()'s Debian root and nothing of composable. */
export const BARE_IMAGE_REPOSITORY = 'localhost/composable-systemd-bare';

/**
 * A stock systemd image as a platform team finds it: the Debian root with systemd and coreutils,
 * no node, no generator, no CLI (`localhost/composable-systemd-bare:<root key>`). For the
 * rendered path (issue 24): the host renders, the node-free generator installs.
 */
export async function ensureBareSystemdImage(): Promise<string> {
  const rootfs = await ensureRootfs();
  const image = `${BARE_IMAGE_REPOSITORY}:${basename(rootfs).replace(/^rootfs-/, '')}-v${IMAGE_VERSION}`;
  if (await imageExists(image)) return image;
  mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, `podman-bare-image.lock`), async () => {
    if (await imageExists(image)) return image;
    const script =
      'set -o pipefail; tar --numeric-owner --exclude=./.complete -C "$1" -c . | ' + 'podman import --change \'CMD ["/sbin/init"]\' - "$2"';
    await execa('bash', ['-c', script, 'bash', rootfs, image], { timeout: 10 * 60_000, all: true }).catch((e: unknown) => {
      throw new Error(`building the bare podman systemd image ${image} failed: ${(e as { all?: string }).all ?? String(e)}`);
    });
    return image;
  });
}

/** How many older systemd images (other generator builds, other checkouts) are kept. */
const KEEP_OLDER_IMAGES = 3;

/**
 * Every rebuilt bundle makes a new ~360 MB image: keep the newest few besides `current` and
 * remove the rest. An image a container still uses is refused by podman and stays.
 */
async function pruneSystemdImages(current: string): Promise<void> {
  const r = await execa(
    'podman',
    ['images', '--filter', `reference=${IMAGE_REPOSITORY}`, '--format', '{{.Repository}}:{{.Tag}}\t{{.CreatedAt}}'],
    { reject: false, timeout: 30_000 },
  );
  const older = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string])
    .filter(([ref]) => ref !== current)
    .sort((a, b) => Date.parse(b[1].replace(/ [A-Z]+$/, '')) - Date.parse(a[1].replace(/ [A-Z]+$/, '')));
  for (const [ref] of older.slice(KEEP_OLDER_IMAGES)) await execa('podman', ['rmi', ref], { reject: false, timeout: 60_000 });
}

async function imageExists(image: string): Promise<boolean> {
  return (await execa('podman', ['image', 'exists', image], { reject: false, timeout: 30_000 })).exitCode === 0;
}

export interface ExecResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  /** Image to run (default: ensureSystemdImage()). */
  image?: string;
  /** Container name (default: a unique one). */
  name?: string;
  /** podman run options before the image (mounts, labels ...); PODMAN_HOST_ARGS are added. */
  args?: string[];
  /** Command after the image (default: the image's, /sbin/init). */
  command?: string[];
  /** Hard limit for the container's whole life; at it the container is killed and removed. */
  timeoutMs?: number;
}

/** A fresh container name, unique on the machine. */
export function containerName(prefix = 'composable-test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** The podman run options that make a container the harness's: detached, named, labelled as ours. */
export function harnessRunArgs(name: string): string[] {
  return ['--detach', '--name', name, '--label', `${HARNESS_LABEL}=${HARNESS_OWNER}`, ...PODMAN_HOST_ARGS];
}

/** A running container the harness watches: killed at its deadline, removed by remove(). */
export class PodmanContainer {
  /** True once the deadline passed and the container was killed. */
  timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly deadline: number;
  private removal: Promise<void> | undefined;

  constructor(
    readonly name: string,
    timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      void this.remove();
    }, timeoutMs);
  }

  /** Milliseconds left before the deadline (at least 1). */
  remaining(): number {
    return Math.max(1, this.deadline - Date.now());
  }

  /** `podman exec NAME CMD...`; never throws on a non-zero exit, bounded by the deadline. */
  async exec(command: string[], opts: { timeoutMs?: number; user?: string } = {}): Promise<ExecResult> {
    const r = await execa('podman', ['exec', ...(opts.user ? ['--user', opts.user] : []), this.name, ...command], {
      reject: false,
      timeout: Math.min(opts.timeoutMs ?? 60_000, this.remaining()),
      stdin: 'ignore',
    });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * Waits until the container's systemd has finished starting up and returns its state
   * (`running`, or `degraded` when a unit failed). Throws with the container's log when it does
   * not get there before `timeoutMs` or the deadline.
   */
  async waitForSystemd(timeoutMs = 60_000): Promise<string> {
    const until = Math.min(Date.now() + timeoutMs, this.deadline);
    let last = '';
    while (Date.now() < until && !this.timedOut) {
      // Until systemd listens on its bus, systemctl fails at once ("Failed to connect to bus").
      const r = await this.exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1, until - Date.now()) });
      const state = r.stdout.trim();
      if (['running', 'degraded', 'maintenance', 'stopping'].includes(state)) return state;
      last = `${state} ${r.stderr.trim()}`.trim();
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(
      `systemd in container ${this.name} did not finish starting (${this.timedOut ? 'killed at its time limit' : `last: ${last || 'no answer'}`}); log:\n${await this.logs()}`,
    );
  }

  /** The container's console output (systemd's messages). */
  async logs(): Promise<string> {
    const r = await execa('podman', ['logs', this.name], { reject: false, timeout: 30_000, all: true });
    return r.all ?? '';
  }

  /** Kill and remove the container (idempotent; safe to call from finally and from the timer). */
  remove(): Promise<void> {
    clearTimeout(this.timer);
    this.removal ??= removeContainer(this.name);
    return this.removal;
  }
}

/** Kill and remove one container with its anonymous volumes; a missing container is fine. */
export async function removeContainer(name: string): Promise<void> {
  await execa('podman', ['rm', '--force', '--time', '0', '--volumes', '--ignore', name], { reject: false, timeout: 60_000 });
}

/** Start a container (detached) the harness owns and watches. */
export async function startContainer(opts: StartOptions = {}): Promise<PodmanContainer> {
  const image = opts.image ?? (await ensureSystemdImage());
  const name = opts.name ?? containerName();
  const args = ['run', ...harnessRunArgs(name), '--systemd=always', ...(opts.args ?? []), image, ...(opts.command ?? [])];
  const r = await execa('podman', args, { reject: false, timeout: 120_000, all: true, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    await removeContainer(name);
    throw new Error(`podman ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.all ?? ''}`);
  }
  return new PodmanContainer(name, opts.timeoutMs ?? 120_000);
}

/**
 * Watch a container something else started with harnessRunArgs(name) (e.g. `composable podman
 * --run`): it is killed at the deadline and removed by remove().
 */
export function adoptContainer(name: string, timeoutMs = 120_000): PodmanContainer {
  return new PodmanContainer(name, timeoutMs);
}

/** Start a container, run `fn` on it, and always remove the container afterwards. */
export async function withContainer<T>(opts: StartOptions, fn: (c: PodmanContainer) => Promise<T>): Promise<T> {
  const c = await startContainer(opts);
  try {
    return await fn(c);
  } finally {
    await c.remove();
  }
}

/** Names of the containers (running or not) this harness owner has left. */
export async function harnessContainers(owner = HARNESS_OWNER): Promise<string[]> {
  const r = await execa('podman', ['ps', '--all', '--filter', `label=${HARNESS_LABEL}=${owner}`, '--format', '{{.Names}}'], {
    timeout: 30_000,
  });
  return r.stdout.split('\n').filter(Boolean);
}

/** Remove every container of this harness owner (an afterAll safety net; only ours). */
export async function removeHarnessContainers(owner = HARNESS_OWNER): Promise<void> {
  for (const name of await harnessContainers(owner)) await removeContainer(name);
}
