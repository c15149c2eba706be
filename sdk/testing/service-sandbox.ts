// The service's private piece of the file system: a temporary root standing in for /run,
// /var/lib, /var/cache, /var/log, /etc and the home, with the unit's RuntimeDirectory= (and the
// other *Directory=) made in it, its credentials written to $CREDENTIALS_DIRECTORY, and the
// environment that points at them. Separate because it is set up once before the first start
// and removed at the end, independent of the processes and of the unit's state.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEntries, getList, getValue } from '../unit-file/lookup.ts';
import { parseBoolean } from '../unit-file/values.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { expandSpecifiers, serviceEnvironment, type Sandbox } from './environment.ts';

/** The sandbox with its root and the unit's credentials directory. */
export type ServiceSandbox = Sandbox & { root: string; credentials: string };

const DIRECTORY_KINDS = [
  ['RuntimeDirectory', 'RUNTIME_DIRECTORY', 'runtime'],
  ['StateDirectory', 'STATE_DIRECTORY', 'state'],
  ['CacheDirectory', 'CACHE_DIRECTORY', 'cache'],
  ['LogsDirectory', 'LOGS_DIRECTORY', 'logs'],
  ['ConfigurationDirectory', 'CONFIGURATION_DIRECTORY', 'config'],
] as const;

/** A fresh temporary root for the package's unit; nothing is made in it yet. */
export function createSandbox(packageName: string, unitName: string): ServiceSandbox {
  const root = mkdtempSync(join(tmpdir(), `composable-test-${packageName}-`));
  return {
    root,
    runtime: join(root, 'run'),
    state: join(root, 'var/lib'),
    cache: join(root, 'var/cache'),
    logs: join(root, 'var/log'),
    config: join(root, 'etc'),
    home: join(root, 'root'),
    credentials: join(root, 'credentials', unitName),
  };
}

/** What the sandbox is filled from besides the unit file. */
export interface SandboxInputs {
  /** Where programs see the package ($COMPOSABLE_PACKAGE_DIR). */
  packagePath: string;
  /** Credentials by name; they win over LoadCredential=. */
  credentials?: Record<string, string | Uint8Array>;
  /** Extra environment, applied last. */
  env?: Record<string, string>;
}

/**
 * Make the unit's directories and credentials in the sandbox and return the service's
 * environment. A LoadCredential= that cannot be loaded here adds to `warnings`.
 */
export function populateSandbox(
  file: UnitFile,
  unitName: string,
  sandbox: ServiceSandbox,
  inputs: SandboxInputs,
  warnings: string[],
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    INVOCATION_ID: Math.random().toString(16).slice(2).padEnd(32, '0'),
    COMPOSABLE_PACKAGE_DIR: inputs.packagePath,
  };
  for (const [key, variable, kind] of DIRECTORY_KINDS) {
    const names = getList(file, 'Service', key);
    if (names.length === 0) continue;
    const paths = names.map((n) => join(sandbox[kind], expandSpecifiers(n, unitName, sandbox)));
    for (const p of paths) mkdirSync(p, { recursive: true, mode: 0o755 });
    env[variable] = paths.join(':');
  }
  const creds: [string, Uint8Array | string][] = Object.entries(inputs.credentials ?? {});
  for (const e of getEntries(file, 'Service', 'LoadCredential')) {
    const colon = e.value.indexOf(':');
    const id = colon < 0 ? e.value : e.value.slice(0, colon);
    const path = colon < 0 ? '' : e.value.slice(colon + 1);
    if (inputs.credentials?.[id] !== undefined) continue;
    if (path && existsSync(path)) creds.push([id, readFileSync(path)]);
    else warnings.push(`LoadCredential=${e.value}: ${path || id} is not available here; pass it with the credentials option`);
  }
  if (creds.length > 0) {
    mkdirSync(sandbox.credentials, { recursive: true, mode: 0o700 });
    for (const [id, content] of creds) {
      writeFileSync(join(sandbox.credentials, id), content, { mode: 0o400 });
    }
    chmodSync(sandbox.credentials, 0o500);
    env.CREDENTIALS_DIRECTORY = sandbox.credentials;
  }
  return { ...serviceEnvironment(file, unitName, sandbox, env), ...(inputs.env ?? {}) };
}

/** After a stop: remove $RUNTIME_DIRECTORY unless RuntimeDirectoryPreserve= keeps it. */
export function removeRuntimeDirectories(file: UnitFile, env: Record<string, string>): void {
  if (!(parseBoolean(getValue(file, 'Service', 'RuntimeDirectoryPreserve') ?? 'no') ?? false) && env.RUNTIME_DIRECTORY) {
    for (const d of env.RUNTIME_DIRECTORY.split(':')) rmSync(d, { recursive: true, force: true });
  }
}

/** Remove the whole sandbox, the read-only credentials directory included. */
export function removeSandbox(sandbox: ServiceSandbox): void {
  try {
    chmodSync(sandbox.credentials, 0o700);
  } catch {
    /* none */
  }
  rmSync(sandbox.root, { recursive: true, force: true });
}
