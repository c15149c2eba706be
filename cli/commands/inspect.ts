// composable inspect PATH [--json] — what a package is, in the spirit of `portablectl inspect`:
// os-release, units and the target each lands in, mode, profile, binaries, size, digest.
// PATH is a package directory or an artifact (tar, tar.gz, squashfs, OCI image layout or
// archive), which is unpacked first by the SDK's bounded reader (files, directories and links only,
// within the package limits; sdk/artifact/oci-read.ts checks an OCI image's digests first).
import type { Command } from 'commander';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractArtifactTo } from '../../sdk/artifact/extract.ts';
import { resolveTarget } from '../../sdk/contract.ts';
import { fileDigest, packageDigest } from '../../sdk/digest.ts';
import { loadPackage } from '../../sdk/package.ts';
import { getList } from '../../sdk/unit-file/lookup.ts';
import { readElf } from '../../sdk/artifact/elf.ts';
import { extractOciPackage } from '../../sdk/artifact/oci-read.ts';
import { sniffArtifact } from '../../sdk/artifact/identify.ts';
import { portablectlAttach } from '../../host/portable.ts';
import { InputError, readablePath } from '../input-error.ts';

export interface Inspection {
  path: string;
  artifactSha256?: string;
  /** For an OCI image: its manifest digest, platform and annotations. */
  oci?: { manifestDigest: string; architecture?: string; os?: string; annotations: Record<string, string> };
  osRelease: Record<string, string>;
  name: string;
  version: string;
  target: string;
  mode: string;
  profile: string;
  units: { name: string; installs: string[]; enabledIn: string | null }[];
  binaries: { path: string; kind: string }[];
  files: number;
  bytes: number;
  digest: string;
  /** The `portablectl attach` command for this package as it is, or why there is none. */
  portablectl: { command: string; detach: string; note?: string } | { command: null; reason: string };
}

function firstLine(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const b = Buffer.alloc(256);
    const n = readSync(fd, b, 0, 256, 0);
    return b.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

/** Unpack an artifact into a temporary directory; returns it (the caller removes it). */
async function unpack(path: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'composable-inspect-'));
  try {
    await extractArtifactTo(path, dir, { name: path });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

export async function inspectPath(path: string): Promise<Inspection> {
  const format = sniffArtifact(path);
  const isDir = statSync(path).isDirectory();
  if (format === 'oci-layout' || format === 'oci-archive') {
    const { dir, image, dispose } = await extractOciPackage(path);
    try {
      const i = await inspectPath(dir);
      return {
        ...i,
        path,
        artifactSha256: isDir ? undefined : fileDigest(path),
        // The inner inspection named the temporary unpacked tree; portablectl takes no OCI image.
        portablectl: {
          command: null,
          reason: 'portablectl attaches directories and .raw images, not OCI images; composable pack --format raw writes one',
        },
        oci: { manifestDigest: image.manifestDigest, architecture: image.architecture, os: image.os, annotations: image.annotations },
      };
    } finally {
      dispose();
    }
  }
  const dir = isDir ? path : await unpack(path);
  const squashfs = format === 'squashfs';
  try {
    const { package: pkg, problems } = loadPackage(dir, { listFiles: true });
    if (!pkg) throw new Error(problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'));
    const target = resolveTarget(pkg.manifest.target);
    const files = pkg.files ?? [];
    const binaries = files
      .filter((f) => f.type === 'file' && (f.mode & 0o111) !== 0)
      .map((f) => {
        const full = join(dir, f.relPath);
        const elf = readElf(full);
        if (elf)
          return {
            path: `/${f.relPath}`,
            kind: `ELF ${elf.bits}-bit ${elf.machineName}, ${elf.interpreter ? `dynamic (${elf.interpreter})` : 'static'}`,
          };
        const line = firstLine(full);
        return { path: `/${f.relPath}`, kind: line.startsWith('#!') ? `script (${line.slice(2).trim()})` : 'executable data' };
      });
    return {
      path,
      artifactSha256: isDir ? undefined : fileDigest(path),
      osRelease: pkg.osRelease.fields,
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      target,
      mode: pkg.manifest.mode,
      profile: pkg.manifest.profile,
      units: pkg.units.map((u) => {
        const installs = [...getList(u.file, 'Install', 'WantedBy'), ...getList(u.file, 'Install', 'RequiredBy')];
        return { name: u.name, installs, enabledIn: installs.length > 0 ? target : null };
      }),
      binaries,
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      digest: packageDigest(dir),
      portablectl: portablectlAttach({
        path: resolve(path),
        kind: isDir ? 'directory' : !squashfs ? 'tar' : path.endsWith('.raw') ? 'raw' : 'squashfs',
        name: pkg.manifest.name,
        version: pkg.manifest.version,
        mode: pkg.manifest.mode,
        profile: pkg.manifest.profile,
        prefixes: pkg.manifest.prefixes,
      }),
    };
  } finally {
    if (!isDir) rmSync(dir, { recursive: true, force: true });
  }
}

export function renderInspection(i: Inspection): string {
  const lines = [
    `${i.name} ${i.version}  (${i.path})`,
    `  ${i.osRelease.PRETTY_NAME ?? i.osRelease.NAME ?? ''}`,
    `  target   ${i.target}`,
    `  mode     ${i.mode}`,
    `  profile  ${i.profile}`,
    '  units:',
    ...i.units.map(
      (u) =>
        `    ${u.name.padEnd(32)} ${u.enabledIn ? `enabled in ${u.enabledIn} (from ${u.installs.join(', ')})` : 'not enabled by default'}`,
    ),
    '  binaries:',
    ...(i.binaries.length > 0 ? i.binaries.map((b) => `    ${b.path.padEnd(32)} ${b.kind}`) : ['    none']),
    `  size     ${i.bytes} bytes in ${i.files} entries`,
    `  digest   ${i.digest}`,
  ];
  if (i.artifactSha256) lines.push(`  artifact ${i.artifactSha256}`);
  if (i.oci) {
    lines.push(`  image    ${i.oci.manifestDigest}  (${i.oci.os ?? '?'}/${i.oci.architecture ?? '?'})`);
    for (const [k, v] of Object.entries(i.oci.annotations)) lines.push(`    ${k}=${v}`);
  }
  const p = i.portablectl;
  if ('reason' in p) lines.push(`  portablectl  none: ${p.reason}`);
  else lines.push(`  portablectl  ${p.command}`, ...(p.note ? [`               (${p.note})`] : []), `  detach       ${p.detach}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show what a package or artifact contains: os-release, units and targets, mode, profile, binaries, size, digest')
    .argument('<path>', 'package directory or artifact (.tar, .tar.gz, .squashfs, OCI image layout or archive)')
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: { json?: boolean }) => {
      readablePath(path);
      const format = sniffArtifact(path);
      // A file system image needs a driver (a mount) to be read, which inspect does not have: an
      // input error naming the file, as lint gives, not the tar reader's complaint.
      if (format === 'ext4' || format === 'erofs')
        throw new InputError(
          `${path}: not supported: raw ${format} images need to be mounted to be read; inspect the mounted directory, ` +
            'or a squashfs or tar of the package (composable pack --format squashfs or tar.gz)',
        );
      let i: Inspection;
      try {
        i = await inspectPath(path);
      } catch (e) {
        process.stderr.write(`composable inspect: ${(e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${opts.json ? JSON.stringify(i, null, 2) : renderInspection(i)}\n`);
    });
}
