// What `composable lint PATH...` accepts and how each kind of input is read.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ArtifactError, extractArtifactTo } from '../../sdk/artifact/extract.ts';
import { PACKAGE_LIMITS, readRegularFile } from '../../sdk/fs/safe-read.ts';
import { unitTypeOf } from '../directives.ts';
import { sniffArtifact } from '../../sdk/artifact/identify.ts';

export type InputKind = 'package' | 'artifact' | 'oci' | 'unit' | 'unit-dir' | 'metadata';

export interface LintInput {
  kind: InputKind;
  /** Absolute path on disk. */
  path: string;
  /** The path as the user gave it: what diagnostics name. */
  display: string;
}

/** A problem with the command line itself (exit code 2), not with what is linted. */
export class LintInputError extends Error {
  override name = 'LintInputError';
}

export const ARTIFACT_PATTERN = /\.(tar|tar\.gz|tgz)$/;

/** Unit file or drop-in name: `a.service`, `a@.timer`, `a.service.d/10-x.conf`. */
export function isUnitFilePath(path: string): boolean {
  const name = basename(path);
  if (unitTypeOf(name)) return true;
  return name.endsWith('.conf') && unitTypeOf(basename(dirname(path)).replace(/\.d$/, '')) !== undefined && dirname(path).endsWith('.d');
}

function looksLikePackage(dir: string): boolean {
  return ['usr', 'etc', 'os-release'].some((n) => existsSync(join(dir, n)));
}

/**
 * Why an ext4 or erofs image is not linted: reading one needs a file system driver (a mount, as
 * systemd's loop devices do), which lint does not have; the package inside can be linted as a
 * directory once mounted, or packed as a squashfs or tar.
 */
function unsupportedImage(given: string, format: 'ext4' | 'erofs'): string {
  return (
    `${given}: not supported: raw ${format} images need to be mounted to be read; lint the mounted directory, ` +
    'or a squashfs or tar of the package (composable pack --format squashfs or tar.gz)'
  );
}

export function classifyInput(given: string, cwd = process.cwd()): LintInput {
  const path = resolve(cwd, given);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new LintInputError(`${given}: no such file or directory`);
  }
  const display = given.replace(/\/+$/, '') || given;
  const format = sniffArtifact(path);
  if (format === 'oci-layout' || format === 'oci-archive') return { kind: 'oci', path, display };
  // By content, whatever the name: `composable pack --format raw` writes a squashfs named .raw.
  if (format === 'tar' || format === 'tar.gz' || format === 'squashfs') return { kind: 'artifact', path, display };
  if (format === 'ext4' || format === 'erofs') throw new LintInputError(unsupportedImage(given, format));
  if (st.isDirectory()) {
    if (!looksLikePackage(path)) {
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        throw new LintInputError(`${given}: cannot read the directory`);
      }
      if (names.some((n) => unitTypeOf(n))) return { kind: 'unit-dir', path, display };
    }
    return { kind: 'package', path, display };
  }
  if (ARTIFACT_PATTERN.test(path)) return { kind: 'artifact', path, display };
  if (path.endsWith('.json')) return { kind: 'metadata', path, display };
  if (isUnitFilePath(path)) return { kind: 'unit', path, display };
  throw new LintInputError(
    `${given}: not something composable lint reads; give a package directory, a .tar/.tar.gz/squashfs artifact, ` +
      `an OCI image (layout directory or archive), a unit file (*.service, *.socket, ...) or a metadata .json file`,
  );
}

/**
 * Extracts an artifact into a fresh temporary directory (caller removes it with `dispose`), with
 * the SDK's bounded reader: only files, directories and links, nothing outside the directory, and
 * within the package limits however large the archive says it is.
 */
export async function extractArtifact(path: string): Promise<{ dir: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'composable-lint-'));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await extractArtifactTo(path, dir, { name: path });
  } catch (e) {
    dispose();
    if (e instanceof ArtifactError) throw new LintInputError(`${e.message}`);
    throw new LintInputError(`${path}: cannot extract: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Archives made with `tar -C pkg .` have the tree at the top; `tar czf x.tgz pkg/` one level down.
  let root = dir;
  const top = readdirSync(dir);
  if (top.length === 1 && !looksLikePackage(dir) && statSync(join(dir, top[0]!)).isDirectory() && looksLikePackage(join(dir, top[0]!))) {
    root = join(dir, top[0]!);
  }
  return { dir: root, dispose };
}

/** Unit files directly in a directory, sorted. */
export function unitFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => unitTypeOf(n) !== undefined)
    .filter((n) => {
      try {
        return statSync(join(dir, n)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * A unit or metadata file the user named: links followed (it is their path), but never a FIFO or
 * device (no blocking), and never more than the text limit.
 */
export function readTextFile(path: string, maxBytes: number = PACKAGE_LIMITS.metadataBytes): string {
  const r = readRegularFile(path, path, maxBytes, { followLink: true });
  if (!r.ok) {
    const { code, message } = r.problem;
    throw new LintInputError(code === 'file-special' ? `${message}; give a unit, metadata or package path` : message);
  }
  return r.value.toString('utf8');
}
