// Reads a package directory into what the rules look at. Unlike the SDK's loadPackage, which
// refuses a package with any problem, this keeps everything that is there, so one run reports
// every problem at once. It reads through the SDK's safe package reader: a FIFO or device is never
// opened, a symlink that leaves the package (to a host file, say) is never followed, so no host
// content reaches a diagnostic, and the package limits hold.
import { basename } from 'node:path';
import { PackageTree, type TreeEntry } from '../../sdk/fs/safe-read.ts';
import { PACKAGE_OS_RELEASE, PACKAGE_UNIT_DIR } from '../../sdk/contract.ts';
import { parseOsRelease } from '../../sdk/os-release.ts';
import { manifestFromOsRelease } from '../../sdk/package.ts';
import { parseUnitFile } from '../../sdk/unit-file/parse.ts';
import { unitTypeOf } from '../directives.ts';
import type { LintOsRelease, LintPackage, LintUnit } from '../types.ts';
import { LintInputError } from './index.ts';

/** `logship-1.4.2.tar.gz` → `logship-1.4.2`. */
export function stripArtifactSuffix(name: string): string {
  return name.replace(/\.(tar\.gz|tgz|tar\.xz|tar\.zst|tar)$/, '');
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
  // Text of a regular file inside the package (links followed only inside it), else undefined.
  const readText = (relPath: string): string | undefined => {
    if (only && !only.has(relPath)) return undefined;
    const r = tree.readText(relPath);
    return r.ok ? r.value : undefined;
  };
  const byPath = new Map(files.map((f) => [f.relPath, f]));
  const prefix = display === '' || display === '.' ? '' : display.endsWith('/') ? display : `${display}/`;
  const path = (relPath: string): string => (relPath ? `${prefix}${relPath}` : display);

  let osRelease: LintOsRelease | undefined;
  let manifest: LintPackage['manifest'];
  const osEntry = byPath.get(PACKAGE_OS_RELEASE);
  const osText = osEntry && osEntry.type !== 'dir' ? readText(PACKAGE_OS_RELEASE) : undefined;
  if (osText !== undefined) {
    const parsed = parseOsRelease(osText, PACKAGE_OS_RELEASE);
    osRelease = {
      file: path(PACKAGE_OS_RELEASE),
      relPath: PACKAGE_OS_RELEASE,
      text: osText,
      fields: parsed.fields,
      entries: parsed.entries,
      problems: parsed.problems,
    };
    manifest = manifestFromOsRelease(osText).manifest;
  }

  const name = manifest?.name ?? osRelease?.fields.ID ?? stripArtifactSuffix(dirName);
  const declared = (osRelease?.fields.PORTABLE_PREFIXES ?? '').split(/\s+/).filter(Boolean);
  const prefixes = manifest?.prefixes ?? (declared.length > 0 ? declared : [name]);

  const units: LintUnit[] = [];
  const unitDir = `${PACKAGE_UNIT_DIR}/`;
  for (const entry of files) {
    if (!entry.relPath.startsWith(unitDir)) continue;
    const rest = entry.relPath.slice(unitDir.length);
    const parts = rest.split('/');
    if (parts.length === 1) {
      // A unit file; symlinks are aliases of another unit (linted there) or escape (package rules).
      if (entry.type !== 'file' || !unitTypeOf(rest)) continue;
      const text = readText(entry.relPath);
      if (text === undefined) continue;
      units.push({
        name: rest,
        type: unitTypeOf(rest),
        file: path(entry.relPath),
        relPath: entry.relPath,
        text,
        parsed: parseUnitFile(text, entry.relPath),
      });
    } else if (parts.length === 2 && parts[0]!.endsWith('.d') && parts[1]!.endsWith('.conf') && entry.type === 'file') {
      const unitName = parts[0]!.slice(0, -2);
      const text = readText(entry.relPath);
      if (text === undefined) continue;
      units.push({
        name: unitName,
        type: unitTypeOf(unitName),
        file: path(entry.relPath),
        relPath: entry.relPath,
        text,
        parsed: parseUnitFile(text, entry.relPath),
        dropIn: parts[1],
      });
    }
  }

  return { root, display, name, dirName: stripArtifactSuffix(dirName), osRelease, manifest, prefixes, units, files, path };
}
