// What npm users see of the package: the version the tools report is the package's, and the
// changelog says what that version brought.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../sdk/version.ts';

const REPO = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  types: string;
  exports: Record<string, string | { types?: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
};

describe('package metadata', () => {
  it("VERSION (composable --version, status.json, generated headers) is package.json's version", () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('CHANGELOG.md has a section for the package version', () => {
    expect(readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  });

  it('typesVersions gives moduleResolution node10 (no `exports`) the same declarations as `exports` does', () => {
    const fromExports = Object.fromEntries(
      Object.entries(pkg.exports)
        .filter(([subpath, target]) => !subpath.includes('*') && typeof target === 'object' && target.types)
        .map(([subpath, target]) => [subpath, (target as { types: string }).types]),
    );
    expect(fromExports['.']).toBe(pkg.types);
    const { '.': _root, ...subpaths } = fromExports;
    expect(pkg.typesVersions).toEqual({
      '*': Object.fromEntries(Object.entries(subpaths).map(([subpath, types]) => [subpath.replace(/^\.\//, ''), [types]])),
    });
  });
});
