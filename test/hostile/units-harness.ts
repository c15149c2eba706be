// A container root with hostile packages next to a good one, run through the generator as systemd
// would run it, for the unit-side hostile suite (test/hostile/units-*.test.ts): what the
// generator writes, its status, and whether anything landed outside its output directory.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGenerator } from '../../generator/run-generator.ts';
import type { Status, ServiceStatus } from '../../sdk/schema/status.ts';

export interface HostilePackage {
  name: string;
  /** Extra os-release lines (PORTABLE_PREFIXES=..., COMPOSABLE_MODE=...). */
  osRelease?: string;
  /** Files below usr/lib/systemd/system/, by relative name (`x.service`, `x.service.d/a.conf`). */
  units?: Record<string, string>;
  /** Other files of the package, by package-relative path. */
  files?: Record<string, string>;
  /** Symbolic links in the package, by package-relative path: their targets. */
  symlinks?: Record<string, string>;
  /** Extra metadata keys of the service entry. */
  spec?: Record<string, unknown>;
}

export interface RootOptions {
  packages: HostilePackage[];
  /** Files of the container itself, by container path (its own units). */
  container?: Record<string, string>;
  /** Called with the output directory before it is removed (to run systemd-analyze on it). */
  inspect?: (outDir: string) => void;
}

/** A well-behaved package: one service running its own binary. */
export function goodPackage(name = 'good'): HostilePackage {
  return {
    name,
    units: {
      [`${name}.service`]: `[Unit]\nDescription=${name}\n[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n`,
    },
  };
}

/** A package with a service `<name>.service` whose [Service] section has `service` added. */
export function packageWith(name: string, service: string, extra: Partial<HostilePackage> = {}): HostilePackage {
  return {
    name,
    ...extra,
    units: {
      [`${name}.service`]: `[Service]\nExecStart=/usr/bin/${name}\n${service}\n[Install]\nWantedBy=multi-user.target\n`,
      ...extra.units,
    },
  };
}

export interface HostileRun {
  status: Status;
  service(name: string): ServiceStatus;
  /** Every path written below the output directory, with its content or symlink target. */
  out: Map<string, string>;
  /** Paths that appeared in the work directory outside the output directory (status.json aside). */
  outside: string[];
  logs: string[];
  exitOk: boolean;
}

function listAll(dir: string, base = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = lstatSync(full);
    const rel = full.slice(base.length + 1);
    if (st.isSymbolicLink()) out.set(rel, `-> ${readlinkSync(full)}`);
    else if (st.isDirectory()) listAll(full, base, out);
    else out.set(rel, readFileSync(full, 'utf8'));
  }
  return out;
}

/** Write the container root (metadata, store, the container's own files) into `work/root`. */
export function buildRoot(work: string, opts: RootOptions): string {
  const root = join(work, 'root');
  const write = (path: string, content: string, mode?: number): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (mode !== undefined) chmodSync(path, mode);
  };
  for (const [path, content] of Object.entries(opts.container ?? {})) write(join(root, path), content);
  const services: Record<string, unknown>[] = [];
  for (const p of opts.packages) {
    const dir = join(root, 'run/composable/store', p.name);
    write(join(dir, 'usr/lib/os-release'), `NAME=${p.name}\nID=${p.name}\nVERSION_ID=1.0\n${p.osRelease ?? ''}`);
    write(join(dir, 'usr/bin', p.name), '#!/bin/sh\nexec sleep infinity\n', 0o755);
    for (const [rel, content] of Object.entries(p.units ?? {})) write(join(dir, 'usr/lib/systemd/system', rel), content);
    for (const [rel, content] of Object.entries(p.files ?? {})) write(join(dir, rel), content);
    for (const [rel, target] of Object.entries(p.symlinks ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      symlinkSync(target, join(dir, rel));
    }
    services.push({ name: p.name, source: `/run/composable/store/${p.name}`, ...p.spec });
  }
  write(join(root, 'run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
  return root;
}

/** A temporary work directory, removed after `fn`. */
export function withWork<T>(fn: (work: string) => T): T {
  const work = mkdtempSync(join(tmpdir(), 'composable-hostile-units-'));
  try {
    return fn(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every file below `dir`, by relative path: content, or `-> target` for a symlink. */
export function listTree(dir: string): Map<string, string> {
  return listAll(dir);
}

/** Build the root, run the generator into a fresh output directory, and report. */
export function runHostile(opts: RootOptions): HostileRun {
  return withWork((work) => {
    const root = buildRoot(work, opts);
    const outDir = join(work, 'out');
    mkdirSync(outDir, { recursive: true });
    const before = new Set(listAll(work).keys());
    const logs: string[] = [];
    const { ok } = runGenerator({ root, outDir, writeStatusFile: true, logger: { log: (p, m) => logs.push(`${p}: ${m}`) } });
    const after = listAll(work);
    const outside = [...after.keys()].filter((k) => !before.has(k) && !k.startsWith('out/') && k !== 'root/run/composable/status.json');
    const status = JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8')) as Status;
    opts.inspect?.(outDir);
    const out = new Map([...after].filter(([k]) => k.startsWith('out/')).map(([k, v]) => [k.slice(4), v]));
    return {
      status,
      out,
      outside,
      logs,
      exitOk: ok,
      service(name) {
        const s = status.services.find((x) => x.name === name);
        if (!s) throw new Error(`no status for ${name}: ${JSON.stringify(status)}`);
        return s;
      },
    };
  });
}

/** The reason codes a skipped service got. */
export function codesOf(s: ServiceStatus): string[] {
  return [...new Set((s.reasons ?? []).map((r) => r.code))].sort();
}

/**
 * Run with and without the hostile package: the generator must write exactly what it writes
 * without it (the good packages' files, byte for byte) and nothing outside its output.
 */
export function runBesideGood(evil: HostilePackage, opts: Partial<RootOptions> = {}): { run: HostileRun; baseline: HostileRun } {
  const others = opts.packages ?? [goodPackage()];
  const run = runHostile({ container: opts.container, packages: [...others, evil] });
  const baseline = runHostile({ container: opts.container, packages: others });
  return { run, baseline };
}
