// Fixtures for rule tests and docs/rules.md: small file trees written to a temporary directory and
// linted there, so a rule is tested through the same engine and inputs as the CLI uses.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LintConfig } from '../config.ts';
import { lint, type LintResult } from '../engine.ts';
import { hostElfMachine } from '../../sdk/artifact/elf.ts';

export type FileSpec =
  | string
  | { content: string | Uint8Array; mode?: number }
  | { copyFrom: string; mode?: number }
  | { symlink: string }
  | { dir: true; mode?: number };

export interface Fixture {
  /** What the fixture shows, one line. */
  name: string;
  /** Files by path relative to the fixture root. */
  files: Record<string, FileSpec>;
  /** Paths to lint, relative to the fixture root (default: `demo`, the package). */
  lint?: string[];
  config?: LintConfig;
  /** Metadata root relative to the fixture root (for metadata fixtures). */
  root?: string;
  /** Expected findings of the rule under test, as `file:line:col message`, in output order. */
  expect?: string[];
}

export interface RuleFixtures {
  valid: Fixture[];
  invalid: Fixture[];
}

export const DEMO_OS_RELEASE = 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\n';
export const DEMO_SCRIPT = '#!/bin/sh\nexec sleep infinity\n';
export const DEMO_SERVICE = [
  '[Unit]',
  'Description=Demo sidecar',
  '',
  '[Service]',
  'ExecStart=/usr/bin/demo',
  'DynamicUser=yes',
  '',
  '[Install]',
  'WantedBy=composable.target',
  '',
].join('\n');

/**
 * A package `demo/` with os-release, a script at usr/bin/demo and demo.service, with `files`
 * (paths relative to the package) added or replacing those. `null` removes a default file.
 */
export function demoPackage(files: Record<string, FileSpec | null> = {}, name = 'demo'): Record<string, FileSpec> {
  const all: Record<string, FileSpec | null> = {
    'usr/lib/os-release': DEMO_OS_RELEASE,
    'usr/bin/demo': { content: DEMO_SCRIPT, mode: 0o755 },
    'usr/lib/systemd/system/demo.service': DEMO_SERVICE,
    ...files,
  };
  const out: Record<string, FileSpec> = {};
  for (const [path, spec] of Object.entries(all)) if (spec !== null) out[`${name}/${path}`] = spec;
  return out;
}

/** A unit file of the demo package with the given text. */
export function demoUnit(unitName: string, text: string, extra: Record<string, FileSpec | null> = {}): Record<string, FileSpec> {
  return demoPackage({ [`usr/lib/systemd/system/${unitName}`]: text, ...extra });
}

export const UNIT_DIR = 'demo/usr/lib/systemd/system';

/**
 * A small ELF64 little-endian file: an executable with no program headers (static), or a PIE with
 * a PT_INTERP header naming `interpreter` (dynamic).
 */
export function fakeElf(options: { machine?: number; interpreter?: string } = {}): Uint8Array {
  const machine = options.machine ?? hostElfMachine() ?? 62;
  const interp = options.interpreter ? Buffer.from(`${options.interpreter}\0`, 'latin1') : undefined;
  const phnum = interp ? 1 : 0;
  const size = 64 + phnum * 56 + (interp?.length ?? 0);
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  b.writeUInt16LE(interp ? 3 : 2, 16); // e_type: ET_DYN (PIE) or ET_EXEC
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20); // e_version
  b.writeBigUInt64LE(BigInt(phnum ? 64 : 0), 32); // e_phoff
  b.writeUInt16LE(64, 52); // e_ehsize
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(phnum, 56);
  if (interp) {
    const o = 64;
    b.writeUInt32LE(3, o); // PT_INTERP
    b.writeBigUInt64LE(BigInt(64 + 56), o + 8); // p_offset
    b.writeBigUInt64LE(BigInt(interp.length), o + 32); // p_filesz
    b.set(interp, 64 + 56);
  }
  return b;
}

/** Write the fixture's files below a fresh temporary directory. */
export function materialize(files: Record<string, FileSpec>): string {
  const root = mkdtempSync(join(tmpdir(), 'composable-lint-fixture-'));
  const modes: [string, number][] = [];
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof spec === 'string') {
      writeFileSync(path, spec);
      chmodSync(path, 0o644);
    } else if ('symlink' in spec) {
      symlinkSync(spec.symlink, path);
    } else if ('dir' in spec) {
      mkdirSync(path, { recursive: true });
      modes.push([path, spec.mode ?? 0o755]);
    } else if ('copyFrom' in spec) {
      copyFileSync(spec.copyFrom, path);
      chmodSync(path, spec.mode ?? 0o755);
    } else {
      writeFileSync(path, spec.content);
      modes.push([path, spec.mode ?? 0o644]);
    }
  }
  // Directories get their mode last, so a read-only directory does not stop the writes above.
  for (const [path, mode] of modes) chmodSync(path, mode);
  return root;
}

export interface FixtureRun {
  result: LintResult;
  root: string;
  dispose(): void;
}

export async function runFixture(fixture: Fixture): Promise<FixtureRun> {
  const root = materialize(fixture.files);
  try {
    const result = await lint(fixture.lint ?? ['demo'], {
      cwd: root,
      config: fixture.config ?? {},
      root: fixture.root !== undefined ? join(root, fixture.root) : undefined,
    });
    return { result, root, dispose: () => rmSync(root, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** `file:line:col message`, the form fixtures expect. */
export function describeDiagnostic(d: { file: string; line: number; column: number; message: string }): string {
  return `${d.file}:${d.line}:${d.column} ${d.message}`;
}

export const METADATA_FILE = 'root/run/composable/metadata.json';

/**
 * A container root `root/` with the metadata (an object, written as indented JSON, or raw text)
 * and packages in its store (`store` maps a store directory name to package files).
 */
export function metadataFixture(metadata: unknown, store: Record<string, Record<string, FileSpec | null>> = {}): Record<string, FileSpec> {
  const files: Record<string, FileSpec> = {
    [METADATA_FILE]: typeof metadata === 'string' ? metadata : `${JSON.stringify(metadata, null, 2)}\n`,
  };
  for (const [dir, pkgFiles] of Object.entries(store)) Object.assign(files, demoPackage(pkgFiles, `root/run/composable/store/${dir}`));
  return files;
}

/** A metadata service entry for the demo package in the store. */
export function demoService(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'demo', source: '/run/composable/store/demo-1.0', ...extra };
}
