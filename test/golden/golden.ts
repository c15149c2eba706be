// Golden cases for the generator. Each folder under test/golden/cases/ holds:
//   case.md                 what the case shows (first line: one-sentence summary)
//   root/                   a container root as the agent leaves it: run/composable/metadata.json,
//                           run/composable/store/<package>/..., credentials
//   expected/units/         the exact tree the generator writes (files and symlinks)
//   expected/status.json    the status it records
//   expected/exit-code      0 when everything was generated, 1 when something was skipped
// `npm run golden:update` regenerates every expected/ folder; review the diff with git.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOutputTree } from '../../generator/output/read-tree.ts';
import { runGenerator } from '../../generator/run-generator.ts';
import type { Logger } from '../../generator/log.ts';

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');

export type Tree = Record<string, { file: string } | { symlink: string }>;

export function readTree(dir: string): Tree {
  const out: Tree = {};
  for (const e of readOutputTree(dir)) {
    if (e.kind === 'symlink') out[e.path] = { symlink: e.target };
    else if (e.kind === 'file') out[e.path] = { file: e.content };
  }
  return out;
}

export function writeTree(dir: string, tree: Tree): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, entry] of Object.entries(tree)) {
    const full = join(dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    if ('file' in entry) writeFileSync(full, entry.file);
    else symlinkSync(entry.symlink, full);
  }
}

export function listCases(): string[] {
  return readdirSync(CASES_DIR)
    .filter((n) => existsSync(join(CASES_DIR, n, 'root')))
    .sort();
}

export interface CaseResult {
  units: Tree;
  status: unknown;
  exitCode: number;
  logs: string[];
  /** Where the run happened (a copy of root/ and the output dir); removed by `cleanup`. */
  work: string;
  outDir: string;
  cleanup: () => void;
}

/** Run the generator on a copy of the case's root, as systemd would: fresh, empty output dir. */
export function runCase(name: string): CaseResult {
  const work = mkdtempSync(join(tmpdir(), `composable-golden-${name}-`));
  const root = join(work, 'root');
  const outDir = join(work, 'out');
  cpSync(join(CASES_DIR, name, 'root'), root, { recursive: true, verbatimSymlinks: true });
  mkdirSync(outDir);
  const logs: string[] = [];
  const logger: Logger = { log: (p, m) => logs.push(`${p}: ${m}`) };
  const { ok } = runGenerator({ root, outDir, logger, writeStatusFile: true });
  const status = JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'));
  return {
    units: readTree(outDir),
    status,
    exitCode: ok ? 0 : 1,
    logs,
    work,
    outDir,
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}

export function expectedOf(name: string): { units: Tree; status: unknown; exitCode: number } {
  const dir = join(CASES_DIR, name, 'expected');
  return {
    units: readTree(join(dir, 'units')),
    status: JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')),
    exitCode: Number(readFileSync(join(dir, 'exit-code'), 'utf8').trim()),
  };
}

export function updateCase(name: string): void {
  const r = runCase(name);
  try {
    const dir = join(CASES_DIR, name, 'expected');
    writeTree(join(dir, 'units'), r.units);
    writeFileSync(join(dir, 'status.json'), `${JSON.stringify(r.status, null, 2)}\n`);
    writeFileSync(join(dir, 'exit-code'), `${r.exitCode}\n`);
  } finally {
    r.cleanup();
  }
}
