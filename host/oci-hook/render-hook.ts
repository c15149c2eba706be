// I/O at the edge of the hook's render mode: read what the render needs of the image (the names of
// its units, its os-release) through descriptors below its root, render with the generator's
// planner (host/render), write the render and the node-free generator beside the run directory,
// and rewrite a mounted render in place at refresh. Whatever fails here fails open: the caller gets
// a reason, the container starts, and the image's own generator (if any) has the boot to itself.
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseOsRelease } from '../../sdk/os-release.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { atomicWriteFile } from '../../sdk/fs/atomic-write.ts';
import type { ContainerCapabilities } from '../../generator/input/capabilities.ts';
import { CONTAINER_UNIT_DIR_MAX_ENTRIES, CONTAINER_UNIT_DIRS, UNIT_SUFFIX } from '../../generator/input/container-units.ts';
import type { OutputFile } from '../../generator/plan/types.ts';
import type { Render } from '../render/render.ts';
import { replaceRenderContents, writeRender } from '../render/write-render.ts';
import { DirFd, FileReadError, openDirInRoot, readFileInRoot, withDir } from './dir-fd.ts';
import {
  capabilitiesFromOciConfig,
  failedRenderStatus,
  type HookRenderStatus,
  imageOsReleaseFields,
  type ImageReading,
  planRenderLayout,
  reloadCommands,
  type RenderLayout,
  renderedStatus,
} from './plan-render.ts';
import { type ContainerRecord, metadataFileText, mountRenderIntoContainer, processIdentity } from './apply-hook.ts';
import type { OciConfig } from './oci.ts';
import type { HookMount, HookPlan } from './plan-hook.ts';
import { shGeneratorText } from './sh-generator.ts';
import { type PackageLocation, renderInChild, renderJob } from './render-child.ts';

/** The image's os-release is read up to this size (os-release(5) files are a few hundred bytes). */
const MAX_OS_RELEASE_BYTES = 64 * 1024;

/**
 * What the render needs of the image below the open `root`: the unit names in each of the
 * generator's container unit directories (names only: nothing in them is opened, so a FIFO is a
 * name like any other, as it is to the generator) and its os-release. Every lookup goes through
 * descriptors with links resolved inside the root (dir-fd.ts): a link out of the root reads the
 * root's own path, or nothing. What cannot be read is a note, never an error.
 */
export function readImageForRender(root: DirFd): ImageReading {
  const notes: string[] = [];
  const units = new Set<string>();
  const seen = new Set<string>();
  let readable = 0;
  for (const dir of CONTAINER_UNIT_DIRS) {
    let opened: { dir: DirFd; path: string };
    try {
      opened = openDirInRoot(root, dir);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      if (!e.missing) notes.push(`unit directory ${dir} ignored: ${e.message}`);
      continue;
    }
    try {
      readable++;
      if (seen.has(opened.path)) continue;
      seen.add(opened.path);
      const { names, truncated } = opened.dir.names(CONTAINER_UNIT_DIR_MAX_ENTRIES);
      if (truncated) notes.push(`unit directory ${dir}: read its first ${CONTAINER_UNIT_DIR_MAX_ENTRIES} entries only`);
      for (const n of names) if (UNIT_SUFFIX.test(n)) units.add(n);
    } finally {
      opened.dir.close();
    }
  }
  let osRelease: ImageReading['osRelease'];
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const parsed = parseOsRelease(readFileInRoot(root, path, { maxBytes: MAX_OS_RELEASE_BYTES }).toString('utf8'), path);
      if (parsed.problems.length > 0) notes.push(`${path} ignored: line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}`);
      else osRelease = imageOsReleaseFields(parsed.fields);
      break;
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      if (e.missing) continue;
      notes.push(`${path} ignored: ${e.message}`);
      break;
    }
  }
  return { ...(osRelease ? { osRelease } : {}), ...(readable > 0 ? { units } : {}), notes };
}

/**
 * Write the node-free generator and the render (whole, renamed into place) for a container that
 * is not running yet, and the mount point of the render below its run directory.
 */
export function writeHookRender(layout: RenderLayout, run: DirFd, render: Render): void {
  atomicWriteFile(layout.generatorFile, shGeneratorText(), { mode: 0o755 });
  writeRender(layout.renderDir, render);
  run.openDir('render', { mode: 0o755 }).close();
}

/** The render in a render directory, as the generator would link it (for what a re-render changes); undefined when there is none. */
export function readRenderedTree(renderDir: string): { status: Status; files: OutputFile[] } | undefined {
  let status: Status;
  try {
    status = JSON.parse(readFileSync(join(renderDir, 'status.json'), 'utf8')) as Status;
  } catch {
    return undefined;
  }
  const files: OutputFile[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(renderDir, 'units', rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(renderDir, 'units', path);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) files.push({ kind: 'symlink', path, target: readlinkSync(full) });
      else if (st.isDirectory()) walk(path);
      else files.push({ kind: 'file', path, content: readFileSync(full, 'utf8') });
    }
  };
  try {
    walk('');
  } catch {
    return { status, files: [] };
  }
  return { status, files };
}

/**
 * Replace a mounted render: a bind mount holds the directory it was made from, not its name, so
 * the contents are replaced in place (write-render.ts). The generator file stays: it is mounted
 * the same way, and the container's systemd may be running it.
 */
export function rewriteMountedRender(layout: RenderLayout, render: Render): void {
  replaceRenderContents(layout.renderDir, render);
}

/**
 * The render child is given this long (render-child.ts; the shipped hook files give the whole hook
 * 10 s, and the container must start); tests lower it to see the render abandoned.
 */
export const renderBudget = { ms: 3000 };

function errMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code && !String(err.message).includes(err.code) ? `${err.message} (${err.code})` : String(err.message ?? e);
}

/** Device and inode of each package directory the plan mounts (what refresh re-renders from). */
export function mountedPackageIds(plan: HookPlan): Record<string, { dev: number; ino: number }> {
  const ids: Record<string, { dev: number; ino: number }> = {};
  for (const m of plan.mounts) {
    if (!m.service) continue;
    const st = statSync(m.source);
    ids[m.service] = { dev: st.dev, ino: st.ino };
  }
  return ids;
}

function recordOf(plan: HookPlan, capabilities: ContainerCapabilities | undefined): NonNullable<ContainerRecord['render']> {
  return { packages: mountedPackageIds(plan), ...(capabilities ? { capabilities: capabilities.effective } : {}) };
}

/** An image the hook could not look at: no unit names (not checked at render time), and why. */
function imageNotRead(why: string): ImageReading {
  return { notes: [`the image's units were not read: ${why}; the render's checks hold at boot`] };
}

/** The image below `rootPath` (opened once, as a directory, no link at its last step), or a note why not. */
function readImageAt(rootPath: string): ImageReading {
  try {
    return withDir(rootPath, readImageForRender);
  } catch (e) {
    return {
      notes: [`the image's units were not read (${(e as NodeJS.ErrnoException).code ?? errMessage(e)}); the render's checks hold at boot`],
    };
  }
}

/** The host directory each service of the plan is mounted from: the only packages the render reads. */
function plannedPackageDirs(plan: HookPlan): Record<string, PackageLocation> {
  const dirs: Record<string, PackageLocation> = Object.create(null);
  for (const m of plan.mounts) if (m.service) dirs[m.service] = { ok: true, dir: m.source };
  return dirs;
}

export interface RenderOutcome {
  status: HookRenderStatus;
  /** For the container record, when the render is in place. */
  record?: ContainerRecord['render'];
}

/** Render a container being created (in the bounded child) and write the render and the generator
 * beside its run directory: what createRuntime and precreate share. Throws on any failure. */
function renderNewContainer(
  plan: HookPlan,
  oci: OciConfig,
  image: ImageReading,
): { layout: RenderLayout; render: Render; record: NonNullable<ContainerRecord['render']> } {
  const layout = planRenderLayout(plan.containerDir);
  const capabilities = capabilitiesFromOciConfig(oci);
  const render = renderInChild(
    renderJob({
      metadataText: metadataFileText(plan),
      packageDirs: plannedPackageDirs(plan),
      image,
      ...(capabilities ? { capabilities } : {}),
    }),
    renderBudget.ms,
  );
  withDir(plan.runDir, (run) => writeHookRender(layout, run, render));
  return { layout, render, record: recordOf(plan, capabilities) };
}

/**
 * createRuntime: render the container (its metadata as written, the packages as mounted, the
 * image's units seen through `/proc/<pid>/root` before the root switch), write the render and the
 * generator, and mount them. Never throws: a failure is the outcome's reason.
 */
export function renderIntoContainer(input: { plan: HookPlan; oci: OciConfig; pid: number; rootfs: string }): RenderOutcome {
  const { plan } = input;
  const image = readImageAt(`/proc/${input.pid}/root${input.rootfs}`);
  try {
    const { layout, render, record } = renderNewContainer(plan, input.oci, image);
    const mounted = mountRenderIntoContainer(input.pid, input.rootfs, layout.mounts);
    if (!mounted.ok) return { status: failedRenderStatus(mounted.reason, image.notes) };
    return { status: renderedStatus(render.status, image), record };
  } catch (e) {
    return { status: failedRenderStatus(errMessage(e), image.notes) };
  }
}

/**
 * precreate (podman): the same render, the image read at the config's root.path (podman has
 * mounted it by then), and the mounts for the config instead of mounting them (runc does, in
 * order, after the run directory's). Never throws.
 */
export function renderForConfig(input: { plan: HookPlan; oci: OciConfig }): RenderOutcome & { mounts?: HookMount[] } {
  const { plan } = input;
  const rootPath = input.oci.root?.path;
  const image = rootPath?.startsWith('/') ? readImageAt(rootPath) : imageNotRead('the config names no absolute root.path');
  try {
    const { layout, render, record } = renderNewContainer(plan, input.oci, image);
    return { status: renderedStatus(render.status, image), record, mounts: layout.mounts };
  } catch (e) {
    return { status: failedRenderStatus(errMessage(e), image.notes) };
  }
}

/**
 * refresh: render the re-planned metadata and replace the mounted render in place. Packages are
 * read from the store directories the container has mounted, known by device and inode (a package
 * the store replaced since is not what the container runs: it is skipped, with the reason); the
 * image's units through `/proc/<pid>/root` of the recorded init process, opened once and checked to
 * be that process before and after. Returns the commands that make the container use it.
 */
export function rerenderMountedRender(input: {
  plan: HookPlan;
  record: ContainerRecord & { render: NonNullable<ContainerRecord['render']> };
}): RenderOutcome & { commands?: string[] } {
  const { plan, record } = input;
  const layout = planRenderLayout(plan.containerDir);
  const image = readRunningImage(record.process);
  const packageDir = (name: string, where: PackageLocation): PackageLocation => {
    if (!where.ok) return where;
    const want = record.render.packages[name];
    let st;
    try {
      st = statSync(where.dir);
    } catch (e) {
      return { ok: false, reason: `its package directory ${where.dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    if (!want || st.dev !== want.dev || st.ino !== want.ino)
      return {
        ok: false,
        reason: `the store's ${where.dir} is not the directory mounted in this container (the package was replaced since); recreate the container to use it`,
      };
    return where;
  };
  try {
    const before = readRenderedTree(layout.renderDir);
    const render = renderInChild(
      renderJob({
        metadataText: metadataFileText(plan),
        packageDirs: Object.fromEntries(Object.entries(plannedPackageDirs(plan)).map(([name, where]) => [name, packageDir(name, where)])),
        image,
        // A running container's capabilities are those it was created with.
        ...(record.render.capabilities
          ? { capabilities: { source: 'the OCI config (process.capabilities.effective)', effective: record.render.capabilities } }
          : {}),
      }),
      renderBudget.ms,
    );
    rewriteMountedRender(layout, render);
    return {
      status: renderedStatus(render.status, image),
      record: record.render,
      commands: reloadCommands(before, { status: render.status, files: render.files }),
    };
  } catch (e) {
    return { status: failedRenderStatus(errMessage(e), image.notes), record: record.render };
  }
}

/** The image of a running container, through its init process's root, if that process is still the one recorded. */
function readRunningImage(process: ContainerRecord['process']): ImageReading {
  if (!process) return imageNotRead('the container was set up at precreate (no process known)');
  const same = () => processIdentity(process.pid)?.startTime === process.startTime;
  if (!same()) return imageNotRead(`the container's process ${process.pid} is gone`);
  let root: DirFd;
  try {
    root = DirFd.openProcessRoot(process.pid);
  } catch (e) {
    return imageNotRead(`its root cannot be opened (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    // The pid could have been reused between the check and the open: check again, on what was opened.
    if (!same()) return imageNotRead(`the container's process ${process.pid} is gone`);
    return readImageForRender(root);
  } finally {
    root.close();
  }
}
