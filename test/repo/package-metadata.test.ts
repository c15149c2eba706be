// What npm users see of the package: the version the tools report is the package's, and the
// changelog says what that version brought.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../sdk/version.ts';

const REPO = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

describe('package metadata', () => {
  it("VERSION (composable --version, status.json, generated headers) is package.json's version", () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('CHANGELOG.md has a section for the package version', () => {
    expect(readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  });
});
