// A package-lock.json for the consumer project, cut from the repository's own lock, so that
// `npm ci --offline` installs it from nothing but the npm cache `npm ci` filled for the
// repository. Why a lock and not `npm install --offline`: `npm ci` fetches tarballs by the lock's
// `resolved`/`integrity` and never the registry's package documents, so on a fresh CI machine the
// cache has the tarballs but not the metadata that resolving a version range (`^14.0.3`) needs.
// With every version already resolved in the lock, npm only needs tarballs it has.

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where node would find `name` when required from the package installed at `from` ('' is the root). */
function locate(lock: Lockfile, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut >= 0 ? dir.slice(0, cut) : '';
  }
}

/** The lock entries the given top-level packages need, by the layout the repository's lock has. */
export function closure(lock: Lockfile, names: string[]): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  const queue: Array<[from: string, name: string, optional: boolean]> = names.map((n) => ['', n, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const path = locate(lock, from, name);
    if (!path) {
      // An optional dependency for another platform is absent from the lock; anything else is not.
      if (optional) continue;
      throw new Error(`package-lock.json has no ${name} (needed by ${from || 'the consumer'}); run npm install in the repository`);
    }
    if (out.has(path)) continue;
    const entry = lock.packages[path]!;
    out.set(path, entry);
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      queue.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  return out;
}

export interface ConsumerLockInput {
  /** The repository's package-lock.json. */
  repoLock: Lockfile;
  /** The packed composable: its package.json fields, tarball path relative to the project, and integrity. */
  composable: {
    /** The package's npm name (`composable-services`). */
    name: string;
    version: string;
    tarball: string;
    integrity: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines?: Record<string, string>;
    license?: string;
  };
  /** Development tools the consumer installs at the repository's locked versions (vitest, typescript ...). */
  devDependencies: string[];
}

/** The consumer's package.json dependencies and its package-lock.json. */
export function consumerLock(input: ConsumerLockInput): {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  lock: Lockfile;
} {
  const { repoLock, composable } = input;
  const dependencies = { [composable.name]: `file:${composable.tarball}` };
  const devDependencies: Record<string, string> = {};
  for (const name of input.devDependencies) {
    const version = repoLock.packages[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`package-lock.json has no top-level ${name}`);
    devDependencies[name] = version;
  }
  const prod = closure(repoLock, Object.keys(composable.dependencies));
  const dev = closure(repoLock, input.devDependencies);
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies, devDependencies },
    [`node_modules/${composable.name}`]: {
      version: composable.version,
      resolved: `file:${composable.tarball}`,
      integrity: composable.integrity,
      license: composable.license,
      dependencies: composable.dependencies,
      bin: composable.bin,
      engines: composable.engines,
    },
  };
  // The dev/optional flags say which trees an entry belongs to; recompute them for this project.
  for (const path of [...new Set([...prod.keys(), ...dev.keys()])].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repoLock.packages[path]!;
    if (!prod.has(path)) entry.dev = true;
    packages[path] = entry;
  }
  return { dependencies, devDependencies, lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages } };
}
