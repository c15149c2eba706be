// Pure planning of the OCI hook's render mode (images without node): whether a container gets its
// units rendered on the host, where the hook writes the render and the node-free generator, where
// they are mounted (the layout `composable podman --render` uses: the render read-only at
// /run/composable/render, the generator read-only at /run/systemd/system-generators/), what the
// hook records about it, and what to run in the container after a re-render. No I/O here:
// render-hook.ts reads the image and writes the render.
import { posix } from 'node:path';
import { RENDER_DIR, RENDERED_GENERATOR_PATH, TARGETS } from '../../sdk/contract.ts';
import type { Status } from '../../sdk/schema/status.ts';
import type { ContainerCapabilities } from '../../generator/input/capabilities.ts';
import type { OutputFile } from '../../generator/plan/types.ts';
import { RENDER_ANNOTATION, type HookConfig } from './config.ts';
import type { OciConfig } from './oci.ts';
import type { HookMount } from './plan-hook.ts';

/**
 * Whether the hook renders for this container: the config's `render` when it is set (the
 * administrator's choice for every container), else the container's io.composable.render
 * annotation (`true`). An annotation asks for nothing the host does not grant anyway: the render is
 * the plan of the same metadata, made on the host instead of in the container.
 */
export function wantsRender(config: HookConfig, annotations: Record<string, string> | undefined): boolean {
  if (config.render !== undefined) return config.render;
  return annotations?.[RENDER_ANNOTATION]?.trim().toLowerCase() === 'true';
}

export interface RenderLayout {
  /** Host directory of the render (`<containerDir>/render`): root's, beside run/, never the container's to write. */
  renderDir: string;
  /** Host file of the node-free generator the hook installs (`<containerDir>/composable-generator`). */
  generatorFile: string;
  /**
   * In mount order: the generator first, then the render. A render without its generator would
   * make the image's node generator stand aside (it does nothing when render.json exists) with
   * nothing to take its place, so the render is mounted only once the generator is.
   */
  mounts: [HookMount & { role: 'generator'; file: true }, HookMount & { role: 'render' }];
}

export function planRenderLayout(containerDir: string): RenderLayout {
  const renderDir = posix.join(containerDir, 'render');
  const generatorFile = posix.join(containerDir, 'composable-generator');
  return {
    renderDir,
    generatorFile,
    mounts: [
      // Read-only, and not noexec: systemd runs it as a generator.
      { source: generatorFile, destination: RENDERED_GENERATOR_PATH, readOnly: true, role: 'generator', file: true },
      // Below /run/composable (the run directory, read-write): the render is its own read-only
      // mount over run/render, so what systemd loads is what the host rendered.
      { source: renderDir, destination: RENDER_DIR, readOnly: true, role: 'render' },
    ],
  };
}

/**
 * The container's effective capabilities from its OCI config (`process.capabilities.effective`):
 * the set its PID 1, and so the generator, runs with. Undefined when the config does not say; the
 * planner then assumes every capability and the render checks none at boot.
 */
export function capabilitiesFromOciConfig(config: OciConfig): ContainerCapabilities | undefined {
  const caps = (config.process as { capabilities?: { effective?: unknown } } | undefined)?.capabilities?.effective;
  if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string' && /^CAP_[A-Z0-9_]+$/.test(c))) return undefined;
  return { source: 'the OCI config (process.capabilities.effective)', effective: [...new Set(caps as string[])].sort() };
}

/** What the hook saw of the image for the render: its os-release fields, and what it could not use. */
export interface ImageReading {
  osRelease?: { id?: string; versionId?: string };
  /** Unit names in the image's unit directories; undefined when none of them could be read. */
  units?: ReadonlySet<string>;
  /** What was ignored, and why (a FIFO, a link out of the root, an unparsable file). */
  notes: string[];
}

/** The render's account in hook-status.json (`render`). */
export type HookRenderStatus =
  | {
      state: 'rendered';
      /** Services the render enables, and those it skips (their reasons are in the render's status.json). */
      enabled: string[];
      skipped: string[];
      image?: ImageReading['osRelease'];
      notes?: string[];
    }
  | { state: 'failed'; reason: string; notes?: string[] };

export function renderedStatus(status: Status, image: ImageReading): HookRenderStatus {
  return {
    state: 'rendered',
    enabled: status.services.filter((s) => s.state === 'enabled').map((s) => s.name),
    skipped: status.services.filter((s) => s.state === 'skipped').map((s) => s.name),
    ...(image.osRelease ? { image: image.osRelease } : {}),
    ...(image.notes.length > 0 ? { notes: image.notes } : {}),
  };
}

export function failedRenderStatus(reason: string, notes: string[] = []): HookRenderStatus {
  return { state: 'failed', reason, ...(notes.length > 0 ? { notes } : {}) };
}

/** os-release's ID and VERSION_ID, when they are plain values (anything else is left out, with a note). */
export function imageOsReleaseFields(fields: Record<string, string>): ImageReading['osRelease'] {
  const plain = (v: string | undefined) => (v !== undefined && /^[A-Za-z0-9._~+-]{1,64}$/.test(v) ? v : undefined);
  const id = plain(fields.ID);
  const versionId = plain(fields.VERSION_ID);
  return { ...(id ? { id } : {}), ...(versionId ? { versionId } : {}) };
}

/**
 * The commands that make a running container use a new render (systemd loads generator output at
 * daemon-reload, which runs the generators again, the sh generator included): reload; stop the
 * units of services the new render no longer enables; restart those whose rendered files changed;
 * start the targets, which starts the services it newly enables. The same decisions as
 * `composable apply`, made on the host from the two renders (the image may have no node).
 */
export function reloadCommands(
  before: { status: Status; files: OutputFile[] } | undefined,
  after: { status: Status; files: OutputFile[] },
): string[] {
  const enabledUnits = (st: Status) => new Map(st.services.filter((s) => s.state === 'enabled').map((s) => [s.name, s.enabled ?? []]));
  const old = before ? enabledUnits(before.status) : new Map<string, string[]>();
  const now = enabledUnits(after.status);
  const byPath = (files: OutputFile[]) => new Map(files.map((f) => [f.path, f.kind === 'file' ? f.content : `-> ${f.target}`]));
  const oldFiles = byPath(before?.files ?? []);
  const newFiles = byPath(after.files);
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])];
  const changed = (units: string[]) =>
    units.some((u) => paths.some((p) => (p === u || p.startsWith(`${u}.d/`)) && oldFiles.get(p) !== newFiles.get(p)));
  const stop = [...old].filter(([name]) => !now.has(name)).flatMap(([, units]) => units);
  const restart = [...now].filter(([name, units]) => old.has(name) && changed(units)).flatMap(([, units]) => units);
  const commands = ['systemctl daemon-reload'];
  if (stop.length > 0) commands.push(`systemctl stop ${stop.join(' ')}`);
  if (restart.length > 0) commands.push(`systemctl restart ${restart.join(' ')}`);
  if ([...now.keys()].some((n) => !old.has(n))) {
    const targets = Object.values(TARGETS).filter((t) => newFiles.has(t));
    commands.push(`systemctl start ${(targets.length > 0 ? targets : [TARGETS.default]).join(' ')}`);
  }
  return commands;
}
