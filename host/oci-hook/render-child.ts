// The hook renders in a child process of its own, killed at the render's time budget: the engine
// kills a hook that overruns its own timeout and then the container does not start, so a planner
// stuck on a hostile package (or a slow disk) must cost the render, never the container (fail
// open, docs/engines.md). The parent reads everything of the container (through descriptors) and
// writes everything; the child gets plain data on stdin, reads only the host's package
// directories the parent names, and answers the Render as JSON on stdout.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContainerCapabilities } from '../../generator/input/capabilities.ts';
import { readEngineMountedDirectory } from '../../generator/input/read-input.ts';
import type { ServiceInput } from '../../generator/plan/types.ts';
import { stablePath } from '../../sdk/contract.ts';
import { PACKAGE_LIMITS } from '../../sdk/fs/safe-read.ts';
import type { ServiceSpec } from '../../sdk/schema/metadata.ts';
import { type Render, renderFromParts } from '../render/render.ts';
import type { ImageReading } from './plan-render.ts';

/** The stage argument that makes the hook a render child. Not for people: `main` keeps it out of --help. */
export const RENDER_CHILD_STAGE = '__render-child';

/** What the child renders from: the parent's readings, as JSON. */
export interface RenderJob {
  metadataText: string;
  /** By service name; a service not named here is one the hook did not mount. */
  packageDirs: Record<string, PackageLocation>;
  image: { osRelease?: ImageReading['osRelease']; units?: string[]; notes: string[] };
  capabilities?: ContainerCapabilities;
}

/** The job for a reading of the image and each mounted service's package location. */
export function renderJob(input: {
  metadataText: string;
  packageDirs: Record<string, PackageLocation>;
  image: ImageReading;
  capabilities?: ContainerCapabilities;
}): RenderJob {
  return {
    metadataText: input.metadataText,
    packageDirs: input.packageDirs,
    image: {
      ...(input.image.osRelease ? { osRelease: input.image.osRelease } : {}),
      ...(input.image.units ? { units: [...input.image.units] } : {}),
      notes: input.image.notes,
    },
    ...(input.capabilities ? { capabilities: input.capabilities } : {}),
  };
}

/** The render of a job, in this process (the child's side). */
export function renderOfJob(job: RenderJob): Render {
  return renderForHook({
    metadataText: job.metadataText,
    packageDir: (name) =>
      Object.hasOwn(job.packageDirs, name) ? job.packageDirs[name]! : { ok: false, reason: 'the hook did not mount its package' },
    image: {
      ...(job.image.osRelease ? { osRelease: job.image.osRelease } : {}),
      ...(job.image.units ? { units: new Set(job.image.units) } : {}),
      notes: job.image.notes,
    },
    ...(job.capabilities ? { capabilities: job.capabilities } : {}),
  });
}

/** The child's stage: a job on stdin, its render on stdout. Returns the exit code. */
export function runRenderChild(stdout: (text: string) => void = (t) => void process.stdout.write(t)): number {
  const job = JSON.parse(readFileSync(0, 'utf8')) as RenderJob;
  stdout(JSON.stringify(renderOfJob(job)));
  return 0;
}

export class RenderTimeout extends Error {}

/** Where a service's package is read from on the host, or why it cannot be. */
export type PackageLocation = { ok: true; dir: string } | { ok: false; reason: string };

export interface HookRenderInput {
  /** The bytes of run/metadata.json, as written for the container. */
  metadataText: string;
  /** The host directory each engine-mounted package is mounted from. */
  packageDir(name: string): PackageLocation;
  image: ImageReading;
  capabilities?: ContainerCapabilities;
}

/** Render the container from its parts (in the child: renderInChild bounds it). */
export function renderForHook(input: HookRenderInput): Render {
  const readService = (spec: ServiceSpec): ServiceInput => {
    const none = { spec, packageProblems: [], hasFile: () => false, mountedBy: 'engine' as const };
    if (spec.source !== stablePath(spec.name))
      return {
        ...none,
        sourceReasons: [{ code: 'source-missing', message: `source ${spec.source}: the hook mounts packages at their stable paths only` }],
      };
    const where = input.packageDir(spec.name);
    if (!where.ok) return { ...none, sourceReasons: [{ code: 'source-missing', message: `source ${spec.source}: ${where.reason}` }] };
    return readEngineMountedDirectory(spec, where.dir, PACKAGE_LIMITS);
  };
  const render = renderFromParts({
    metadata: Buffer.from(input.metadataText),
    readService,
    ...(input.image.units ? { containerUnits: input.image.units } : {}),
    ...(input.capabilities ? { capabilities: input.capabilities } : {}),
  });
  return render;
}

declare const __COMPOSABLE_SH_GENERATOR__: string | undefined;

/** The hook's own script: the bundle re-runs itself; from the sources (tests), the built bundle. */
function hookScript(): string {
  // scripts/build.mjs defines the generator's text in the bundle only, and a CommonJS bundle has
  // __filename.
  if (typeof __COMPOSABLE_SH_GENERATOR__ === 'string') return __filename;
  return fileURLToPath(new URL('../../dist/composable-oci-hook.cjs', import.meta.url));
}

/** A render is a few MiB at most (the planner's package limits); anything more is refused. */
const MAX_RENDER_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Render `job` in a child process killed after `budgetMs`. Throws RenderTimeout past the budget,
 * an Error with the child's first line of standard error when it fails.
 */
export function renderInChild(job: RenderJob, budgetMs: number): Render {
  const r = spawnSync(process.execPath, [hookScript(), RENDER_CHILD_STAGE], {
    input: JSON.stringify(job),
    timeout: Math.max(1, budgetMs),
    killSignal: 'SIGKILL',
    maxBuffer: MAX_RENDER_JSON_BYTES,
    encoding: 'utf8',
    // The hook's environment reaches the child unchanged but for nothing it could be told here.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && r.status === null))
    throw new RenderTimeout(`the render took too long (over ${budgetMs} ms); the container starts without it`);
  if (r.error) throw new Error(`the render process could not run (${code ?? r.error.message})`);
  if (r.status !== 0) {
    const first = (r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.status ?? r.signal}`;
    throw new Error(`the render process failed: ${first.slice(0, 300)}`);
  }
  return JSON.parse(r.stdout) as Render;
}
