// The service's private piece of the file system: a temporary root standing in for /run,
// /var/lib, /var/cache, /var/log, /etc and the home, with the unit's RuntimeDirectory= (and the
// other *Directory=) made in it, its credentials written to $CREDENTIALS_DIRECTORY, and the
// environment that points at them. Separate because it is set up once before the first start
// and removed at the end, independent of the processes and of the unit's state.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEntries, getList, getValue } from '../unit-file/lookup.ts';
import { parseBoolean } from '../unit-file/values.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { expandSpecifiers, serviceEnvironment, type Sandbox } from './environment.ts';
import type { ServiceUser } from './service-user.ts';

/**
 * The sandbox with its root, the unit's credentials directory, the directories that stand in for
 * a private /tmp and /var/tmp (PrivateTmp=), and an empty mode-000 file that is bound over
 * InaccessiblePaths= files.
 */
export type ServiceSandbox = Sandbox & { root: string; credentials: string; tmp: string; varTmp: string; inaccessible: string };

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
    tmp: join(root, 'tmp'),
    varTmp: join(root, 'var/tmp'),
    inaccessible: join(root, 'inaccessible'),
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
  /** The user the service runs as: its directories and credentials are made its own, as systemd does. */
  user?: ServiceUser;
  /**
   * PrivateTmp=: `namespace` makes the directories bound over /tmp and /var/tmp; `tmpdir` (no
   * namespace here) makes a private directory and points $TMPDIR at it.
   */
  privateTmp?: 'namespace' | 'tmpdir';
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
  const owner = inputs.user;
  // mkdtemp made the root 0700: the service's user must reach its directories below it.
  if (owner) chmodSync(sandbox.root, 0o755);
  for (const [key, variable, kind] of DIRECTORY_KINDS) {
    const names = getList(file, 'Service', key);
    if (names.length === 0) continue;
    const paths = names.map((n) => join(sandbox[kind], expandSpecifiers(n, unitName, sandbox)));
    for (const p of paths) {
      mkdirSync(p, { recursive: true, mode: 0o755 });
      // The innermost directory is the user's; ConfigurationDirectory= stays root's (systemd.exec(5)).
      if (owner && key !== 'ConfigurationDirectory') chownSync(p, owner.uid, owner.gid);
    }
    env[variable] = paths.join(':');
  }
  if (owner) Object.assign(env, { USER: owner.name, LOGNAME: owner.name, HOME: owner.home, SHELL: owner.shell });
  if (inputs.privateTmp) {
    for (const d of [sandbox.tmp, sandbox.varTmp]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o1777); // as /tmp: everyone may write, the sticky bit protects each one's files
    }
    if (inputs.privateTmp === 'tmpdir') env.TMPDIR = sandbox.tmp;
  }
  writeFileSync(sandbox.inaccessible, '', { mode: 0 });
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
      if (owner) chownSync(join(sandbox.credentials, id), owner.uid, owner.gid);
    }
    if (owner) {
      chmodSync(join(sandbox.credentials, '..'), 0o755);
      chownSync(sandbox.credentials, owner.uid, owner.gid);
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
