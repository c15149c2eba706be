// The I/O around planPodmanRun (host/podman/plan-podman-run.ts): read and check the metadata file, turn each
// package path into what podman mounts (an OCI archive or layout is loaded into podman's
// storage and mounted by image ID), and write the container's run directory: the rewritten
// metadata and the credentials, on a tmpfs, mode 0700, all at once or not at all.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import { validateMetadata } from '../agent.ts';
import { atomicWriteFile } from '../../sdk/fs/atomic-write.ts';
import type { Metadata } from '../../sdk/schema/metadata.ts';
import type { PodmanPackage, PodmanPlan } from './plan-podman-run.ts';

/** The default host directory under which each container gets `<name>/` (metadata, credentials). */
export const PODMAN_RUN_BASE = '/run/composable-podman';
/** Prefix of a --package value that names an image already in podman's storage. */
export const IMAGE_PREFIX = 'image:';

const TMPFS_MAGIC = 0x01021994;

export class PodmanInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PodmanInputError';
  }
}

/** Read and validate a metadata file; problems name the file. */
export function readMetadataFile(file: string): Metadata {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PodmanInputError([`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PodmanInputError([`${file}: not valid JSON: ${(e as Error).message}`]);
  }
  const r = validateMetadata(value);
  if (!r.ok)
    throw new PodmanInputError([
      ...r.problems.map((p) => `${file}: ${p}`),
      `${file}: see docs/contract.md or \`composable schema metadata\``,
    ]);
  return r.metadata;
}

/** `NAME=VALUE` pairs of a repeated option, keyed by NAME; problems for malformed ones. */
export function parsePairs(values: string[], option: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) {
      problems.push(`${option} ${JSON.stringify(v)}: expected ${option === '--credential' ? 'SERVICE/NAME=FILE' : 'NAME=PATH'}`);
      continue;
    }
    const key = v.slice(0, eq);
    if (key in out) problems.push(`${option} ${key} is given twice`);
    out[key] = v.slice(eq + 1);
  }
  return out;
}

/**
 * The image ID of what `podman load` put into storage from an OCI archive or layout. A layout
 * directory is streamed in as an archive: given the directory, podman names the image after its
 * path and fails when the path has a capital letter (an invalid reference).
 */
async function loadImage(path: string, isLayout: boolean, service: string): Promise<string> {
  const limits = { reject: false, timeout: 5 * 60_000 } as const;
  const r = isLayout
    ? await execa('tar', ['-C', path, '-c', '.'], { ...limits, stdin: 'ignore' }).pipe('podman', ['load'], { ...limits, all: true })
    : await execa('podman', ['load', '--input', path], { ...limits, all: true, stdin: 'ignore' });
  const loaded =
    /^Loaded image(?:\(s\))?: (.+)$/m
      .exec(r.stdout)?.[1]
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (r.exitCode !== 0 || loaded.length === 0) {
    const said = (r.all ?? '').trim() || `exit ${r.exitCode}`;
    throw new PodmanInputError([
      `package ${service}: podman could not load ${path} as an image (${said}); a package file must ` +
        `be an OCI archive (composable pack --format oci-archive), or give the package directory`,
    ]);
  }
  if (loaded.length > 1)
    throw new PodmanInputError([
      `package ${service}: ${path} holds ${loaded.length} images (${loaded.join(', ')}); a package is one image`,
    ]);
  // By ID, not by the name podman gave it: an unnamed layout is named after its directory, and a
  // second layout of the same directory name would take the name over.
  return imageId(loaded[0]!, service);
}

async function imageId(ref: string, service: string): Promise<string> {
  const r = await execa('podman', ['image', 'inspect', '--format', '{{.Id}}', ref], {
    reject: false,
    timeout: 60_000,
    all: true,
    stdin: 'ignore',
  });
  if (r.exitCode !== 0)
    throw new PodmanInputError([
      `package ${service}: image ${ref} is not in podman's storage (${(r.all ?? '').trim()}); pull or load it first`,
    ]);
  return r.stdout.trim();
}

/**
 * What podman mounts for one package: `image:REF` is an image already in podman's storage; a
 * file is an OCI archive and a directory holding `oci-layout` an OCI image layout, both loaded
 * with `podman load`; any other directory is the package tree, bound read-only.
 */
export async function resolvePackage(service: string, spec: string, cwd: string): Promise<PodmanPackage> {
  if (spec.startsWith(IMAGE_PREFIX))
    return { name: service, kind: 'image', image: await imageId(spec.slice(IMAGE_PREFIX.length), service) };
  const path = resolve(cwd, spec);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new PodmanInputError([
      `package ${service}: ${path} does not exist; pass --package ${service}=PATH (a package directory, an OCI archive or layout, or image:REF)`,
    ]);
  }
  if (!isDir || existsSync(join(path, 'oci-layout'))) return { name: service, kind: 'image', image: await loadImage(path, isDir, service) };
  return { name: service, kind: 'directory', path };
}

/**
 * Each service's package: from `--package NAME=PATH`, else the service's `source` read as a path
 * on this machine. Problems for all services at once.
 */
export async function resolvePackages(metadata: Metadata, given: Record<string, string>, cwd: string): Promise<PodmanPackage[]> {
  const problems: string[] = [];
  const out: PodmanPackage[] = [];
  for (const s of metadata.services) {
    try {
      out.push(await resolvePackage(s.name, given[s.name] ?? s.source, cwd));
    } catch (e) {
      if (!(e instanceof PodmanInputError)) throw e;
      problems.push(...e.problems);
    }
  }
  // A --package for a name the metadata lacks is reported by the planner.
  for (const [name, spec] of Object.entries(given))
    if (!metadata.services.some((s) => s.name === name)) out.push({ name, kind: 'directory', path: resolve(cwd, spec) });
  if (problems.length > 0) throw new PodmanInputError(problems);
  return out;
}

export function isTmpfs(path: string): boolean {
  return statfsSync(path).type === TMPFS_MAGIC;
}

/**
 * Write the run directory the plan mounts: `metadata.json` (0644) and `credentials/<service>/…`
 * (directories 0700, files 0600), inside a directory of mode 0700. Everything is written to a
 * new directory first and swapped in, so a failure leaves the previous one as it was.
 * Credentials are refused unless the directory is on a tmpfs: a secret must never reach a disk.
 */
export function writeRunDir(plan: PodmanPlan, runDir: string): void {
  if (!isAbsolute(runDir)) throw new PodmanInputError([`run directory ${runDir} must be absolute`]);
  const base = dirname(runDir);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  if (plan.credentials.length > 0 && !isTmpfs(base)) {
    throw new PodmanInputError([
      `${base} is not on a tmpfs, and credentials must never be written to a disk: mount one (mount ` +
        `-t tmpfs -o mode=0700 tmpfs ${base}) or pass --run-dir DIR on a tmpfs`,
    ]);
  }
  const fresh = `${runDir}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { mode: 0o700 });
  try {
    atomicWriteFile(join(fresh, 'metadata.json'), `${JSON.stringify(plan.metadata, null, 2)}\n`, { mode: 0o644 });
    for (const c of plan.credentials) {
      const to = join(fresh, 'credentials', c.to);
      mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      let secret: Buffer;
      try {
        secret = readFileSync(c.from);
      } catch (e) {
        throw new PodmanInputError([
          `--credential ${c.service}/${c.name}: cannot read ${c.from}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        ]);
      }
      atomicWriteFile(to, secret, { mode: 0o600 });
    }
    const old = `${runDir}.old-${process.pid}`;
    if (existsSync(runDir)) renameSync(runDir, old);
    renameSync(fresh, runDir);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}
