// Looks a requested name up in the host store. The store is the allow-list: a name is accepted
// only when it resolves, after symlinks, to a directory that is a direct child of the store, so
// neither `..` nor a symlink planted in the store can reach anything else on the host.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseOsRelease } from '../../sdk/os-release.ts';
import { VERSION_PATTERN } from '../../sdk/schema/common.ts';
import { PACKAGE_OS_RELEASE } from '../../sdk/contract.ts';
import type { Resolution } from './plan-hook.ts';
import { readInRoot } from './dir-fd.ts';
import { PACKAGE_LIMITS } from '../../sdk/fs/safe-read.ts';

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** The store's own real path (it may itself be a symlink, e.g. to a data volume). */
export function realStore(store: string): string {
  return realpathSync(store);
}

/** `name` must already be a valid package name (parseServiceNames): it is one path component. */
export function resolveInStore(storeReal: string, name: string): Resolution {
  const candidate = join(storeReal, name);
  try {
    lstatSync(candidate);
  } catch (e) {
    return {
      ok: false,
      reason:
        errCode(e) === 'ENOENT'
          ? `no package ${JSON.stringify(name)} in the store ${storeReal}`
          : `cannot look at ${candidate}: ${errCode(e)}`,
    };
  }
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch (e) {
    return { ok: false, reason: `${candidate} does not resolve (${errCode(e)}): a dangling symlink?` };
  }
  if (dirname(real) !== storeReal) {
    return {
      ok: false,
      reason:
        `${candidate} resolves to ${real}, which is not a direct child of the store ${storeReal}; packages ` +
        `must be directories in the store itself`,
    };
  }
  if (!statSync(real).isDirectory()) return { ok: false, reason: `${real} is not a directory (the hook mounts unpacked package trees)` };
  let version: string | undefined;
  try {
    const v = parseOsRelease(readInRoot(real, PACKAGE_OS_RELEASE, { maxBytes: PACKAGE_LIMITS.textFileBytes }).toString('utf8')).fields
      .VERSION_ID;
    if (v !== undefined && VERSION_PATTERN.test(v)) version = v;
  } catch {
    // No readable os-release (or a FIFO, a device, a link out of the package): the generator
    // reports that for the package, with the file named.
  }
  return { ok: true, pkg: { name, hostPath: real, version } };
}
