// I/O at the edge: write a planned run directory, and make the planned mounts inside a container's
// mount namespace at createRuntime (runc runs that stage after the container's mounts are set up,
// before the root switch: the namespace still sees the host's tree, so host paths are valid bind
// sources there).
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, posix } from 'node:path';
import { validateMetadata } from '../agent.ts';
import { atomicWriteFile } from '../../sdk/fs/atomic-write.ts';
import { CREDENTIAL_NAME_PATTERN, SERVICE_NAME_PATTERN } from '../../sdk/schema/common.ts';
import { type DirFd, readBounded, withDir } from './dir-fd.ts';
import { mountOptions, withoutService, type HookMount, type HookPlan } from './plan-hook.ts';
import type { HostOwner } from './oci.ts';
import type { HookRenderStatus } from './plan-render.ts';

export const HOOK_STATUS_FILE = 'hook-status.json';
/** Host-only record of a container's selection, beside (not inside) its run directory. */
export const CONTAINER_RECORD_FILE = 'container.json';

export interface ContainerRecord {
  schemaVersion: 1;
  key: string;
  containerId?: string;
  stage: string;
  /** Valid names the annotation asked for. */
  requested: string[];
  /** Services whose package is mounted in the container (only these can be switched on later). */
  mounted: string[];
  /** Host owner of the run directory for a container with a user namespace. */
  owner?: HostOwner;
  /** The container's init process (createRuntime): when it is gone, so is the container. */
  process?: { pid: number; startTime: string };
  /**
   * Set when the hook mounted a render into the container: the device and inode of each package
   * directory it mounted, so `refresh` re-renders from the very directories the container has (a
   * store updated since holds another one under the same name).
   */
  render?: {
    packages: Record<string, { dev: number; ino: number }>;
    /** The container's effective capabilities the render planned for (its OCI config's). */
    capabilities?: string[];
  };
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

/** Create `<runRoot>/<key>/` (0700: credentials live below it) and its `run/` (0755). */
export function makeContainerDir(plan: HookPlan): void {
  // A restarted container (same ID) whose poststop did not run starts from an empty directory:
  // no credential of an earlier run is left behind.
  const runRoot = dirname(plan.containerDir);
  mkdirSync(runRoot, { recursive: true, mode: 0o755 });
  withDir(runRoot, (root) => {
    root.remove(basename(plan.containerDir));
    const container = root.openDir(basename(plan.containerDir), { mode: 0o700 });
    try {
      container.openDir(basename(plan.runDir), { mode: 0o755 }).close();
    } finally {
      container.close();
    }
  });
}

/** A credential copied from the host is at most this big (it is read into memory). */
export const MAX_CREDENTIAL_BYTES = 16 * 1024 * 1024;

/**
 * Write one credential to `credentials/<service>/<name>` below the open run directory
 * (directories 0700, file 0600), every step relative to a descriptor, no link followed: the
 * container can write there.
 */
function writeCredentialAt(run: DirFd, service: string, name: string, bytes: Uint8Array): void {
  if (!SERVICE_NAME_PATTERN.test(service) || !CREDENTIAL_NAME_PATTERN.test(name))
    throw new Error(`credential ${JSON.stringify(name)} of ${JSON.stringify(service)}: not a valid name`);
  const root = run.openDir('credentials', { mode: 0o700 });
  try {
    const dir = root.openDir(service, { mode: 0o700 });
    try {
      dir.writeFile(name, bytes, 0o600, { fsync: true });
    } finally {
      dir.close();
    }
  } finally {
    root.close();
  }
}

/**
 * Copy each planned credential from its host file into `run/credentials/<service>/<name>`
 * (0700/0600). A service whose credential cannot be read or written is dropped, with the reason
 * (the file and what is wrong, never the content).
 */
export function copyCredentials(plan: HookPlan): HookPlan {
  let out = plan;
  const wanted = plan.credentials.filter((c) => out.metadata.services.some((s) => s.name === c.service));
  if (wanted.length === 0) return out;
  withDir(plan.runDir, (run) => {
    for (const c of wanted) {
      if (!out.metadata.services.some((s) => s.name === c.service)) continue;
      let bytes: Buffer;
      try {
        // The administrator's path: links followed, but no FIFO, device or unbounded read.
        bytes = readBounded(c.hostFile, { maxBytes: MAX_CREDENTIAL_BYTES, follow: true });
      } catch (e) {
        out = withoutService(out, c.service, `credential ${c.name}: ${(e as Error).message}`);
        continue;
      }
      try {
        writeCredentialAt(run, c.service, c.name, bytes);
      } catch (e) {
        out = withoutService(
          out,
          c.service,
          `credential ${c.name}: cannot be written below ${plan.runDir}/credentials (${(e as NodeJS.ErrnoException).code ?? 'error'}); something in the container replaced a directory there`,
        );
      } finally {
        bytes.fill(0);
      }
    }
  });
  return out;
}

/**
 * The text of metadata.json for the plan (validated by the SDK): what writeRunFiles writes, and the
 * bytes a render's metadata digest is taken of.
 */
export function metadataFileText(plan: HookPlan): string {
  const checked = validateMetadata(plan.metadata);
  if (!checked.ok) throw new Error(`the planned metadata does not satisfy the contract: ${checked.problems.join('; ')}`);
  return `${JSON.stringify(checked.metadata, null, 2)}\n`;
}

/** Write metadata.json (metadataFileText), hook-status.json (with the render's account, when rendering) and the host-only record. */
export function writeRunFiles(plan: HookPlan, record: Omit<ContainerRecord, 'schemaVersion'>, render?: HookRenderStatus): void {
  const metadataText = metadataFileText(plan);
  const status = {
    schemaVersion: 1,
    hook: 'composable-oci-hook',
    stage: record.stage,
    ...(record.containerId ? { containerId: record.containerId } : {}),
    services: plan.metadata.services.map((s) => s.name),
    refused: plan.refused,
    ...(render ? { render } : {}),
  };
  withDir(plan.runDir, (run) => {
    run.writeFile('metadata.json', metadataText, 0o644, { fsync: true });
    run.writeFile(HOOK_STATUS_FILE, `${JSON.stringify(status, null, 2)}\n`, 0o644);
  });
  // The record is beside run/, in the directory only root can write.
  const full: ContainerRecord = { schemaVersion: 1, ...record };
  atomicWriteFile(join(plan.containerDir, CONTAINER_RECORD_FILE), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
}

/** Remove the container's credentials (refresh writes them again), relative to descriptors. */
export function removeCredentials(runDir: string): void {
  withDir(runDir, (run) => run.remove('credentials'));
}

/**
 * Give the run directory and everything in it to the container's root (a user-namespaced
 * container's root is an unprivileged host uid), without following symlinks. The directory above
 * it stays root's, 0700.
 */
export function chownRunDir(runDir: string, owner: HostOwner | undefined): void {
  if (!owner) return;
  withDir(runDir, (run) => run.chownTree(owner));
}

export function readContainerRecord(containerDir: string): ContainerRecord {
  return JSON.parse(readBounded(join(containerDir, CONTAINER_RECORD_FILE), { maxBytes: 1024 * 1024 }).toString('utf8')) as ContainerRecord;
}

/** A process's pid and start time (/proc/<pid>/stat field 22): a pid alone may be reused. */
export function processIdentity(pid: number): { pid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = rest[19];
    return startTime ? { pid, startTime } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remove run directories of containers set up at createRuntime whose init process is gone. A
 * container whose creation fails after the hook ran never gets its poststop; this keeps such
 * directories from piling up. Directories from precreate (no process recorded) are left alone.
 */
export function removeStaleContainerDirs(currentDir: string, log: { log(p: 'info', m: string): void }): void {
  const runRoot = dirname(currentDir);
  let entries: string[];
  try {
    entries = readdirSync(runRoot);
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(runRoot, name);
    if (dir === currentDir) continue;
    let record: ContainerRecord;
    try {
      record = readContainerRecord(dir);
    } catch {
      continue;
    }
    const p = record.process;
    if (!p) continue;
    const now = processIdentity(p.pid);
    if (now === undefined || now.startTime !== p.startTime) {
      removeContainerDir(dir);
      log.log('info', `removed the stale run directory ${dir} (its container's process ${p.pid} is gone)`);
    }
  }
}

export function removeContainerDir(dir: string): boolean {
  try {
    lstatSync(dir);
  } catch {
    return false;
  }
  // Its run/ was the container's to write: removed without following anything planted there.
  withDir(dirname(dir), (d) => d.remove(basename(dir)));
  return true;
}

/**
 * Make `destination` exist as a directory below the container's root without following any
 * symlink: each component is looked at with lstat through `/proc/<pid>/root` (the container's
 * mount namespace, so its own tmpfs on /run is what is seen), a symlink or non-directory is
 * refused, a missing component is created (0755). Nothing in the container runs yet (its init
 * waits for the hooks), so what is checked here is what mount(8) finds.
 * Returns the destination as a path in the container's namespace (`<rootfs>/<destination>`).
 */
export function prepareMountPoint(
  procRoot: string,
  rootfs: string,
  destination: string,
  opts: { file?: boolean } = {},
): { ok: true; path: string; created: boolean } | { ok: false; reason: string } {
  let current = rootfs;
  let created = false;
  const parts = destination.split('/').filter((p) => p !== '');
  for (const [i, part] of parts.entries()) {
    current = posix.join(current, part);
    const seen = procRoot + current;
    // A file's bind mount (the generator) needs a file to mount on: the last component.
    const asFile = opts.file === true && i === parts.length - 1;
    try {
      const st = lstatSync(seen);
      if (st.isSymbolicLink())
        return {
          ok: false,
          reason: `${posix.relative(rootfs, current) ? `/${posix.relative(rootfs, current)}` : '/'} is a symbolic link in the container's image; the hook does not mount through links an image plants`,
        };
      if (asFile ? !st.isFile() : !st.isDirectory())
        return {
          ok: false,
          reason: `/${posix.relative(rootfs, current)} in the container is not a ${asFile ? 'regular file' : 'directory'}`,
        };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        return { ok: false, reason: `cannot look at /${posix.relative(rootfs, current)} in the container: ${errText(e)}` };
      try {
        if (asFile) closeSync(openSync(seen, O_WRONLY_CREAT_EXCL | O_NOFOLLOW, 0o644));
        else mkdirSync(seen, { mode: 0o755 });
        created = asFile;
      } catch (e2) {
        return {
          ok: false,
          reason: `cannot create /${posix.relative(rootfs, current)} in the container (${(e2 as NodeJS.ErrnoException).code ?? 'error'}); a read-only image needs the directory to exist`,
        };
      }
    }
  }
  // Open it without following a link, as a last check that nothing was swapped in between.
  try {
    const fd = openSync(procRoot + current, O_PATH | O_NOFOLLOW | (opts.file ? 0 : O_DIRECTORY));
    closeSync(fd);
  } catch (e) {
    return {
      ok: false,
      reason: `/${destination.replace(/^\//, '')} in the container cannot be opened without following links (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  return { ok: true, path: current, created };
}

// Linux open(2) flags (x86-64 and arm64 share these values); node's fs.constants lacks O_PATH.
const O_PATH = 0o10000000;
const O_NOFOLLOW = 0o400000;
const O_DIRECTORY = 0o200000;
const O_WRONLY_CREAT_EXCL = 0o1 | 0o100 | 0o200;

// Runs inside the container's mount namespace: one bind mount per (source, target, options)
// triple, printing `ok` or `fail <mount's message>` for each, so one bad mount costs one package.
const MOUNT_SCRIPT = `while [ $# -ge 3 ]; do
  if out=$(mount --bind -o "$3" -- "$1" "$2" 2>&1); then echo ok; else echo "fail $out" | tr -d '\\n'; echo; fi
  shift 3
done`;

// Runs inside the container's mount namespace: unmount each target given (a rollback).
const UNMOUNT_SCRIPT = `for t in "$@"; do umount -l -- "$t" 2>/dev/null; done; true`;

function unmountInNamespace(pid: number, targets: string[], timeoutMs = 5000): void {
  if (targets.length === 0) return;
  spawnSync('/usr/bin/nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', '/bin/sh', '-c', UNMOUNT_SCRIPT, 'composable-umount', ...targets], {
    timeout: timeoutMs,
    stdio: 'ignore',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
  });
}

export interface MountOutcome {
  mount: HookMount;
  ok: boolean;
  reason?: string;
}

/** Bind-mount each (already prepared) mount inside the namespace of `pid`, with one nsenter. */
export function mountInNamespace(pid: number, mounts: { mount: HookMount; target: string }[], timeoutMs = 5000): MountOutcome[] {
  if (mounts.length === 0) return [];
  const args = mounts.flatMap(({ mount, target }) => [mount.source, target, mountOptions(mount).join(',')]);
  const r = spawnSync(
    '/usr/bin/nsenter',
    [`--mount=/proc/${pid}/ns/mnt`, '--', '/bin/sh', '-c', MOUNT_SCRIPT, 'composable-mount', ...args],
    {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    },
  );
  const results = (r.stdout ?? '').split('\n').filter((l) => l !== '');
  return mounts.map(({ mount }, i) => {
    const line = results[i];
    if (line === 'ok') return { mount, ok: true };
    const reason = line?.startsWith('fail ')
      ? `mount failed: ${line.slice(5)}`
      : `mount did not run (${r.error ? errText(r.error) : `nsenter exited ${String(r.status ?? r.signal)}: ${(r.stderr ?? '').trim()}`})`;
    return { mount, ok: false, reason };
  });
}

/**
 * createRuntime's work on the container: prepare each mount point symlink-safely, then mount. A
 * package whose mount point or mount fails is dropped from the plan with the reason; if the run
 * directory itself cannot be mounted, every service is dropped (the container starts without
 * composable and the log says why).
 */
export function mountIntoContainer(plan: HookPlan, pid: number, rootfs: string): HookPlan {
  const procRoot = `/proc/${pid}/root`;
  let out = plan;
  const ready: { mount: HookMount; target: string }[] = [];
  for (const m of plan.mounts) {
    const p = prepareMountPoint(procRoot, rootfs, m.destination);
    if (p.ok) ready.push({ mount: m, target: p.path });
    else if (m.service) out = withoutService(out, m.service, `mount point ${m.destination}: ${p.reason}`);
    else return dropAll(out, `the run directory cannot be mounted at ${m.destination}: ${p.reason}`);
  }
  for (const r of mountInNamespace(pid, ready)) {
    if (r.ok) continue;
    if (r.mount.service) out = withoutService(out, r.mount.service, r.reason ?? 'mount failed');
    else return dropAll(out, `the run directory cannot be mounted at ${r.mount.destination}: ${r.reason}`);
  }
  return out;
}

function dropAll(plan: HookPlan, reason: string): HookPlan {
  let out = plan;
  for (const s of plan.metadata.services) out = withoutService(out, s.name, reason);
  return { ...out, mounts: [], runDirError: reason };
}

/**
 * createRuntime's mounts of a render (render-hook.ts wrote it): each of `mounts` in order, its mount
 * point prepared symlink-safely after the run directory is mounted (the render's is below it). All
 * or nothing: when one fails, those made are unmounted and a mount-point file the hook created is
 * removed, because even an empty file at the generator's path would mask the image's own generator
 * (systemd treats an empty generator as a mask), and a render without its generator would make
 * that generator stand aside.
 */
export function mountRenderIntoContainer(
  pid: number,
  rootfs: string,
  mounts: readonly (HookMount & { file?: boolean })[],
): { ok: true } | { ok: false; reason: string } {
  const procRoot = `/proc/${pid}/root`;
  const mounted: string[] = [];
  const createdFiles: string[] = [];
  const rollback = (reason: string): { ok: false; reason: string } => {
    unmountInNamespace(pid, [...mounted].reverse());
    for (const f of createdFiles) {
      try {
        // Still the empty file made above (nothing in the container runs yet).
        if (lstatSync(procRoot + f).isFile()) unlinkSync(procRoot + f);
      } catch {
        // Gone already.
      }
    }
    return { ok: false, reason };
  };
  for (const m of mounts) {
    const p = prepareMountPoint(procRoot, rootfs, m.destination, { file: m.file === true });
    if (!p.ok) return rollback(`mount point ${m.destination}: ${p.reason}`);
    if (p.created) createdFiles.push(p.path);
    const [r] = mountInNamespace(pid, [{ mount: m, target: p.path }]);
    if (!r?.ok) return rollback(`${m.destination}: ${r?.reason ?? 'mount failed'}`);
    mounted.push(p.path);
  }
  return { ok: true };
}
