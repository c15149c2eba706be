// Shared by the hostile OCI hook suites: a sandbox with a store of two packages and a config,
// the hook's entry (main) with fake stdin, its log lines captured, and a snapshot of a host
// directory that must come out unchanged.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookConfig } from '../../host/oci-hook/config.ts';
import { main } from '../../host/oci-hook/main.ts';
import { RUN_KEY_ANNOTATION } from '../../host/oci-hook/precreate.ts';

export interface HookSandbox {
  dir: string;
  store: string;
  runRoot: string;
  configPath: string;
  writeConfig(extra?: Partial<HookConfig>): void;
  dispose(): void;
}

export function hookSandbox(services: HookConfig['services'] = {}): HookSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'composable-hostile-hook-'));
  const store = join(dir, 'store');
  for (const name of ['logship', 'health']) {
    mkdirSync(join(store, name, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(join(store, name, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=1.0\n`);
  }
  const runRoot = join(dir, 'run');
  const configPath = join(dir, 'hook.json');
  const sb: HookSandbox = {
    dir,
    store,
    runRoot,
    configPath,
    writeConfig: (extra = {}) => writeFileSync(configPath, JSON.stringify({ store, runRoot, services, ...extra }), { mode: 0o600 }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  sb.writeConfig();
  return sb;
}

/** Run the hook; its log lines (what the engine's log gets) are returned too. */
export function runHook(argv: string[], stdin = ''): { code: number; stdout: string; log: string } {
  let stdout = '';
  const lines: string[] = [];
  const origWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((t: string) => {
    lines.push(String(t));
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = main(argv, {
      stdin: () => stdin,
      stdout: (t) => {
        stdout += t;
      },
      systemLog: false,
      stderr: true,
    });
  } finally {
    process.stderr.write = origWrite;
  }
  return { code, stdout, log: lines.join('') };
}

/** precreate for `services` (no container needed); returns the run key. */
export function precreate(sb: HookSandbox, services: string, oci: Record<string, unknown> = {}): string {
  const r = runHook(
    ['precreate', '--config', sb.configPath],
    JSON.stringify({ ...oci, annotations: { 'io.composable.services': services } }),
  );
  return JSON.parse(r.stdout).annotations[RUN_KEY_ANNOTATION] as string;
}

/** A host directory with a file; `snapshot()` records every mode, owner, size and content. */
export function hostDir(base: string): { path: string; snapshot: () => string } {
  const path = join(base, 'host-dir');
  mkdirSync(path, { mode: 0o755 });
  writeFileSync(join(path, 'keep'), 'host data', { mode: 0o644 });
  const snapshot = (): string =>
    JSON.stringify(
      [path, ...readdirSync(path).map((n) => join(path, n))].map((p) => {
        const st = lstatSync(p);
        return [p, st.mode, st.uid, st.gid, st.size, st.isFile() ? readFileSync(p, 'utf8') : ''];
      }),
    );
  return { path, snapshot };
}
