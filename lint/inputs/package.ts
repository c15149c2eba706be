// Reads a package directory into what the rules look at: the SDK's package model
// (readPackageContents, the reading loadPackage and the generator use) plus the file list and
// display paths. Unlike loadPackage, which refuses a package with any problem, this keeps
// everything that is there, so one run reports every problem at once. The SDK's safe reader
// opens no FIFO or device and follows no symlink out of the package, so no host content reaches a
// diagnostic, and the package limits hold.
import { basename } from 'node:path';
import { PackageTree, type TreeEntry } from '../../sdk/fs/safe-read.ts';
import { PACKAGE_OS_RELEASE } from '../../sdk/contract.ts';
import { parseOsRelease } from '../../sdk/os-release.ts';
import { type PackageDropIn, type PackageReader, readPackageContents, treeReader } from '../../sdk/package.ts';
import type { UnitFile } from '../../sdk/unit-file/types.ts';
import { unitTypeOf } from '../directives.ts';
import type { LintOsRelease, LintPackage, LintUnit } from '../types.ts';
import { LintInputError } from './index.ts';

/** A reader that sees only `only` (what `pack` ships): any other path reads as absent. */
function onlyReader(reader: PackageReader, only: ReadonlySet<string>): PackageReader {
  const absent = (rel: string) => ({
    ok: false as const,
    missing: true,
    problem: { code: 'path-missing', file: rel, message: `${rel} is not packed` },
  });
  return {
    readText: (rel) => (only.has(rel) ? reader.readText(rel) : absent(rel)),
    list: (rel) => {
      if (!only.has(rel)) return absent(rel);
      const r = reader.list(rel);
      return r.ok ? { ok: true, value: r.value.filter((e) => only.has(`${rel}/${e.name}`)) } : r;
    },
    isFile: (rel) => only.has(rel) && reader.isFile(rel),
  };
}

/** `logship-1.4.2.tar.gz` → `logship-1.4.2`, `logship_1.4.2.raw` → `logship_1.4.2`. */
export function stripArtifactSuffix(name: string): string {
  return name.replace(/\.(tar\.gz|tgz|tar\.xz|tar\.zst|tar|squashfs|sqfs|raw)$/, '');
}

/**
 * @param root    the package directory on disk
 * @param display how its files are named in diagnostics: `pkg` gives `pkg/usr/lib/os-release`,
 *                `pkg.tar.gz!` gives `pkg.tar.gz!/usr/lib/os-release`
 * @param dirName the name the package is known by (directory or artifact name)
 * @param only    the paths that make the package (what `pack` ships); the rest is not read
 */
export function readPackage(root: string, display: string, dirName = basename(root), only?: ReadonlySet<string>): LintPackage {
  const tree = new PackageTree(root);
  const walked = tree.walk(only ? (e) => !only.has(e.relPath) : undefined);
  // A tree over the limits cannot be linted in full; say so instead of linting part of it.
  if (!walked.ok)
    throw new LintInputError(
      `${display}${walked.problem.file ? `/${walked.problem.file}` : ''}: ${walked.problem.message}; composable does not read packages over the limits (docs/contract.md, "Threat model")`,
    );
  const files: TreeEntry[] = walked.value;
  const byPath = new Map(files.map((f) => [f.relPath, f]));
  const prefix = display === '' || display === '.' ? '' : display.endsWith('/') ? display : `${display}/`;
  const path = (relPath: string): string => (relPath ? `${prefix}${relPath}` : display);

  const contents = readPackageContents(only ? onlyReader(treeReader(tree), only) : treeReader(tree), { strayDropIns: true });
  let osRelease: LintOsRelease | undefined;
  const manifest: LintPackage['manifest'] = contents.manifest;
  if (contents.osRelease) {
    const { text } = contents.osRelease;
    const parsed = parseOsRelease(text, PACKAGE_OS_RELEASE);
    osRelease = {
      file: path(PACKAGE_OS_RELEASE),
      relPath: PACKAGE_OS_RELEASE,
      text,
      fields: parsed.fields,
      entries: parsed.entries,
      problems: parsed.problems,
    };
  }

  const name = manifest?.name ?? osRelease?.fields.ID ?? stripArtifactSuffix(dirName);
  const declared = (osRelease?.fields.PORTABLE_PREFIXES ?? '').split(/\s+/).filter(Boolean);
  const prefixes = manifest?.prefixes ?? (declared.length > 0 ? declared : [name]);

  const units: LintUnit[] = [];
  const lintUnit = (unitName: string, relPath: string, text: string, parsed: UnitFile, dropIn?: string): LintUnit => ({
    name: unitName,
    type: unitTypeOf(unitName),
    file: path(relPath),
    relPath,
    text,
    parsed,
    ...(dropIn !== undefined ? { dropIn } : {}),
  });
  const dropInsOf = (unitName: string, dropIns: PackageDropIn[]): void => {
    for (const d of dropIns) units.push(lintUnit(unitName, d.relPath, d.text, d.file, d.name));
  };
  for (const unit of contents.units) {
    // A symlink in the unit directory is an alias of another unit (linted there) or escapes
    // (package rules); a file of no unit type is unit-type's to report.
    if (byPath.get(unit.relPath)?.type === 'file' && unitTypeOf(unit.name))
      units.push(lintUnit(unit.name, unit.relPath, unit.text, unit.file));
    dropInsOf(unit.name, unit.dropIns);
  }
  for (const stray of contents.strayDropIns) dropInsOf(stray.unit, stray.dropIns);
  units.sort((a, b) => (a.relPath! < b.relPath! ? -1 : a.relPath! > b.relPath! ? 1 : 0));

  return { root, display, name, dirName: stripArtifactSuffix(dirName), osRelease, manifest, prefixes, units, files, path };
}
