// Shared by the hostile-input suite: a container root with a good package and a hostile one,
// run through the real generator entry (`runGenerator`), and the checks every case makes:
// the good package is generated, the hostile one is skipped with the expected code, nothing is
// written outside the output directory, a planted secret appears nowhere, and it is quick.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { runGenerator } from '../../generator/run-generator.ts';
import type { PackageLimits } from '../../sdk/fs/safe-read.ts';
import { StatusSchema, type Status } from '../../sdk/schema/status.ts';

/** Planted in a credential file and in hostile packages: it must never appear in any output. */
export const SECRET = 'S3CRET-hostile-7f3a9c1e-do-not-print';
export const STORE = 'run/composable/store';
export const SECRET_PATH = '/run/composable/credentials/other/token';

export interface Sandbox {
  base: string;
  root: string;
  out: string;
  /** Host path of a container path. */
  host(containerPath: string): string;
  dispose(): void;
}

export function sandbox(): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'composable-hostile-'));
  const root = join(base, 'root');
  const out = join(base, 'out');
  mkdirSync(join(root, STORE), { recursive: true });
  mkdirSync(out);
  const host = (p: string): string => join(root, p);
  mkdirSync(dirname(host(SECRET_PATH)), { recursive: true, mode: 0o700 });
  writeFileSync(host(SECRET_PATH), `${SECRET}\n`, { mode: 0o600 });
  return { base, root, out, host, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

export const osRelease = (name: string): string => `NAME=${name}\nID=${name}\nVERSION_ID=1.0\n`;
export const serviceUnit = (name: string): string =>
  `[Unit]\nDescription=${name}\n[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n`;

/** A valid package directory in the store; returns its host path. */
export function goodPackage(sb: Sandbox, name: string): string {
  const dir = join(sb.root, STORE, name);
  writeFiles(dir, {
    'usr/lib/os-release': osRelease(name),
    [`usr/lib/systemd/system/${name}.service`]: serviceUnit(name),
    [`usr/bin/${name}`]: '#!/bin/sh\nexec sleep infinity\n',
  });
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

export function link(dir: string, rel: string, target: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  rmSync(join(dir, rel), { force: true, recursive: true });
  symlinkSync(target, join(dir, rel));
}

export function mkfifo(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true, recursive: true });
  execFileSync('mkfifo', [path]);
}

/** A character device node (needs root): 1,5 is /dev/zero. */
export function mknodZero(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true, recursive: true });
  execFileSync('mknod', [path, 'c', '1', '5']);
}

export interface ServiceEntry {
  name: string;
  source?: string;
  [key: string]: unknown;
}

export function writeMetadata(sb: Sandbox, services: ServiceEntry[] | unknown, extra: Record<string, unknown> = {}): void {
  const list = Array.isArray(services)
    ? services.map((s: ServiceEntry) =>
        typeof s === 'object' && s !== null && 'name' in s && s.source === undefined ? { ...s, source: `/${STORE}/${s.name}` } : s,
      )
    : services;
  mkdirSync(sb.host('/run/composable'), { recursive: true });
  writeFileSync(sb.host('/run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, ...extra, services: list }, null, 2));
}

/** Every path below `dir` with what it is, without following links (for "nothing else changed"). */
export function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const st = lstatSync(join(dir, r));
      const what = st.isSymbolicLink()
        ? `link ${readlinkSync(join(dir, r))}`
        : st.isDirectory()
          ? 'dir'
          : `${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
      out.set(r, what);
      if (st.isDirectory()) stack.push(r);
    }
  }
  return out;
}

export interface RunResult {
  status: Status;
  logs: string[];
  ok: boolean;
  ms: number;
  rssDelta: number;
}

/** Run the real generator over the sandbox, with the checks every hostile case needs. */
export function generate(sb: Sandbox, opts: { limits?: Partial<PackageLimits>; maxMs?: number } = {}): RunResult {
  const STATUS = 'run/composable/status.json';
  // The status and the output directory are the generator's to write; nothing else may change.
  const rootBefore = snapshot(sb.root, (r) => r === STATUS);
  const baseBefore = readdirSync(sb.base).sort();
  const logs: string[] = [];
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = runGenerator({
    root: sb.root,
    outDir: sb.out,
    logger: { log: (p, m) => logs.push(`${p}: ${m}`) },
    writeStatusFile: true,
    limits: opts.limits,
  });
  const ms = performance.now() - t0;
  const rssDelta = process.memoryUsage().rss - rss;
  expect(ms, 'generator run time (ms)').toBeLessThan(opts.maxMs ?? 10_000);
  expect(
    snapshot(sb.root, (r2) => r2 === STATUS),
    'files outside the output directory',
  ).toEqual(rootBefore);
  expect(readdirSync(sb.base).sort()).toEqual(baseBefore);
  const status = StatusSchema.parse(JSON.parse(readFileSync(sb.host('/run/composable/status.json'), 'utf8')));
  assertNoSecret(sb, logs);
  return { status, logs, ok: r.ok, ms, rssDelta };
}

/** The planted secret is in no output file, not in status.json and not in the log. */
export function assertNoSecret(sb: Sandbox, logs: string[], more: string[] = []): void {
  const texts: [string, string][] = [
    ['status.json', readFileSync(sb.host('/run/composable/status.json'), 'utf8')],
    ['log', logs.join('\n')],
  ];
  for (const [rel] of snapshot(sb.out)) {
    const p = join(sb.out, rel);
    if (lstatSync(p).isFile()) texts.push([rel, readFileSync(p, 'utf8')]);
  }
  for (const [i, t] of more.entries()) texts.push([`extra ${i}`, t]);
  for (const [where, text] of texts) expect(text.includes(SECRET), `secret found in ${where}`).toBe(false);
}

export function service(status: Status, name: string): Status['services'][number] {
  const s = status.services.find((x) => x.name === name);
  expect(s, `service ${name} in status`).toBeDefined();
  return s!;
}

/** The good service is enabled and its unit generated; the hostile one is skipped with `code`. */
export function expectIsolated(sb: Sandbox, r: RunResult, good: string, bad: string, code: string | RegExp): void {
  const g = service(r.status, good);
  expect(g.state, `${good} state (reasons: ${JSON.stringify(g.reasons)})`).toBe('enabled');
  expect(readFileSync(join(sb.out, `${good}.service`), 'utf8')).toContain(`ExecStart=/usr/bin/${good}`);
  const b = service(r.status, bad);
  expect(b.state).toBe('skipped');
  const codes = (b.reasons ?? []).map((x) => x.code);
  if (typeof code === 'string') expect(codes).toContain(code);
  else
    expect(
      codes.some((c) => code.test(c)),
      `codes ${codes.join(', ')}`,
    ).toBe(true);
  expect(r.ok).toBe(false);
}

/** A fresh output directory for the next run in the same sandbox. */
export function resetOut(sb: Sandbox): void {
  rmSync(sb.out, { recursive: true, force: true });
  mkdirSync(sb.out);
}
