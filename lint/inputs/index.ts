// What `composable lint PATH...` accepts and how each kind of input is read.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { unitTypeOf } from '../directives.ts';
import { isOciArchive, isOciLayoutDir } from './oci.ts';

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

export function classifyInput(given: string, cwd = process.cwd()): LintInput {
  const path = resolve(cwd, given);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new LintInputError(`${given}: no such file or directory`);
  }
  const display = given.replace(/\/+$/, '') || given;
  if (st.isDirectory()) {
    if (isOciLayoutDir(path)) return { kind: 'oci', path, display };
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
  if (st.isFile() && isOciArchive(path)) return { kind: 'oci', path, display };
  if (ARTIFACT_PATTERN.test(path)) return { kind: 'artifact', path, display };
  if (path.endsWith('.json')) return { kind: 'metadata', path, display };
  if (isUnitFilePath(path)) return { kind: 'unit', path, display };
  throw new LintInputError(
    `${given}: not something composable lint reads; give a package directory, a .tar/.tar.gz artifact, an OCI image (layout directory or archive), a unit file (*.service, *.socket, ...) or a metadata .json file`,
  );
}

/** Extracts an artifact into a fresh temporary directory (caller removes it with `dispose`). */
export async function extractArtifact(path: string): Promise<{ dir: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'composable-lint-'));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    // -p keeps the modes the rules check; GNU tar refuses members with `..` and strips a leading `/`.
    await execa('tar', ['-x', '-p', '--no-same-owner', '-f', path, '-C', dir], { timeout: 120_000 });
  } catch (e) {
    dispose();
    const err = e as { stderr?: string; shortMessage?: string };
    throw new LintInputError(`${path}: cannot extract: ${(err.stderr || err.shortMessage || String(e)).trim()}`);
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

export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}
