// What `composable pack` ships from a package directory: the package and nothing else. Planning
// only (nothing is written): the trees a package holds (docs/contract.md section 1, "What a
// package holds") plus what the config's `pack.include` names, minus `pack.exclude`; never
// version-control directories or editor files, `node_modules` only when `pack.include` names it;
// and secret-looking files anywhere in the directory (`.env*`, private keys by name or content,
// `*.pem`) are refused unless `pack.allowSecrets` declares them.
import type { TreeEntry } from '../digest.ts';
import { orThrow, PackageTree, type PackageLimits } from '../fs/safe-read.ts';

/**
 * Top-level names a package holds without being configured: `usr/` (os-release, units, programs)
 * and `etc/` (configuration, the chroot's `etc/machine-id`, `etc/resolv.conf`, an `os-release`
 * link), and for chroot mode the rest of a root file system: `var/` (state directory stubs), the
 * mount points `proc sys dev run tmp`, and the merged-/usr links and loader directories
 * (`bin sbin lib lib32 lib64 libx32`; a dynamic binary's loader is `/lib64/ld-linux-x86-64.so.2`).
 */
export const PACKAGE_TREES: readonly string[] = [
  'usr',
  'etc',
  'var',
  'bin',
  'sbin',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'proc',
  'sys',
  'dev',
  'run',
  'tmp',
];

/** The `pack` section of the project's config (composable-lint.json). Globs are relative to the package directory. */
export interface PackConfig {
  /** Paths outside the package trees to ship as well (`opt/**`, `LICENSE`), or `node_modules` to ship. */
  include?: readonly string[];
  /** Paths never to ship (and never to check for secrets), even inside the package trees. */
  exclude?: readonly string[];
  /** Secret-looking files that are meant to ship (a CA certificate `*.pem`, a test key). */
  allowSecrets?: readonly string[];
}

export type LeftOutReason = 'vcs' | 'dependencies' | 'editor' | 'excluded' | 'outside' | 'special';

export interface LeftOut {
  relPath: string;
  type: TreeEntry['type'];
  reason: LeftOutReason;
  /** Why, in words: `version control directory`, `pack.exclude "docs/**"`, ... */
  detail: string;
  /** For a left-out directory that was read: the entries and file bytes below it. */
  entries?: number;
  bytes?: number;
}

export type SecretKind = 'env-file' | 'private-key-name' | 'private-key' | 'pem';

export interface SecretFile {
  relPath: string;
  kind: SecretKind;
  /** What it looks like: `an environment file (.env)`, ... */
  looksLike: string;
}

export interface PackSelection {
  /** What ships, in bytewise path order (as `walkTree` lists them). */
  entries: TreeEntry[];
  /** What was left out, each at its top-most path (nothing below a left-out directory is listed). */
  leftOut: LeftOut[];
  /** Secret-looking files not declared in `pack.allowSecrets`: pack refuses while there are any. */
  secrets: SecretFile[];
}

export class PackConfigError extends Error {
  override name = 'PackConfigError';
}

// Version control: its directories and the files it keeps in the tree (`.gitkeep` in an empty mount point).
const VCS = new Set(['.git', '.hg', '.svn', '.gitignore', '.gitattributes', '.gitmodules', '.gitkeep', '.hgignore', '.hgtags']);
const EDITOR_NAMES = new Set(['.DS_Store', '.idea', '.vscode']);
const PRIVATE_KEY_NAMES = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk']);

/** Why a path is never shipped whatever the config says, by one of its names; undefined if it may be. */
function defaultRule(name: string): { reason: LeftOutReason; detail: string } | undefined {
  if (VCS.has(name)) return { reason: 'vcs', detail: 'version control' };
  if (EDITOR_NAMES.has(name) || name.endsWith('~') || /^\..*\.sw[op]$/.test(name))
    return { reason: 'editor', detail: 'editor or system file' };
  return undefined;
}

/** A glob as a test on a path relative to the package root; see `compileGlob`. */
export interface Glob {
  pattern: string;
  /** Whether `relPath` is what the glob names, or lies below it. */
  covers(relPath: string): boolean;
}

/**
 * Compiles a glob, `.gitignore`-like: `*` and `?` match within a name, `**` any number of
 * directories, `[abc]` one of, `{a,b}` either; a pattern without a `/` matches a name at any
 * depth (`*.md`), one with a `/` the path from the package root (`docs/*.md`); a pattern names a
 * directory and everything below it. Absolute patterns and `..` are refused.
 */
export function compileGlob(pattern: string): Glob {
  let p = pattern.trim();
  if (p.startsWith('./')) p = p.slice(2);
  while (p.endsWith('/') && p.length > 1) p = p.slice(0, -1);
  if (p === '' || p.startsWith('/') || p.split('/').includes('..')) {
    throw new PackConfigError(`"${pattern}": a pattern is a path relative to the package directory, without a leading / or ..`);
  }
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const atStart = i === 0 || p[i - 1] === '/';
      const atEnd = i + 2 === p.length || p[i + 2] === '/';
      if (atStart && atEnd) {
        if (i + 2 === p.length) re += '.*';
        else {
          re += '(?:.*/)?';
          i++;
        }
        i++;
        continue;
      }
      re += '[^/]*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) throw new PackConfigError(`"${pattern}": unclosed [`);
      let body = p.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else if (c === '{') {
      const close = p.indexOf('}', i);
      if (close < 0) throw new PackConfigError(`"${pattern}": unclosed {`);
      re += `(?:${p
        .slice(i + 1, close)
        .split(',')
        .map((alt) =>
          alt
            .replace(/[.+^$()|\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('|')})`;
      i = close;
    } else re += c.replace(/[.+^$()|\\}\]]/g, '\\$&');
  }
  const anchored = p.includes('/') ? `^${re}` : `^(?:.*/)?${re}`;
  const rx = new RegExp(`${anchored}(?:/.*)?$`, 's');
  return { pattern, covers: (relPath) => rx.test(relPath) };
}

function compileAll(patterns: readonly string[] | undefined, key: string): Glob[] {
  return (patterns ?? []).map((pattern) => {
    try {
      return compileGlob(pattern);
    } catch (e) {
      throw new PackConfigError(`pack.${key}: ${(e as Error).message}`);
    }
  });
}

const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** What a file looks like by its name, if it looks like a secret. */
export function secretByName(relPath: string): { kind: SecretKind; looksLike: string } | undefined {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (name === '.env' || name.startsWith('.env.'))
    return { kind: 'env-file', looksLike: `an environment file (${name}), which usually holds secrets` };
  if (PRIVATE_KEY_NAMES.has(name) || name.endsWith('.key'))
    return { kind: 'private-key-name', looksLike: `a private key (by its name, ${name})` };
  if (name.endsWith('.pem')) return { kind: 'pem', looksLike: 'a PEM file (a certificate or a key)' };
  return undefined;
}

/** Whether `text` holds a PEM private key header (`-----BEGIN ... PRIVATE KEY-----`). */
export function hasPrivateKeyBlock(text: string): boolean {
  return PRIVATE_KEY_PEM.test(text);
}

/**
 * Decides what ships. `walked` is every entry of the directory that `skipWhileWalking` did not
 * prune (those are `pruned`, already decided); `holdsPrivateKey` tells whether a regular file's
 * content holds a PEM private key. Pure: reads nothing itself.
 */
export function planPackSelection(
  walked: readonly TreeEntry[],
  pruned: readonly LeftOut[],
  config: PackConfig,
  holdsPrivateKey: (relPath: string) => boolean,
): PackSelection {
  const include = compileAll(config.include, 'include');
  const exclude = compileAll(config.exclude, 'exclude');
  const allow = compileAll(config.allowSecrets, 'allowSecrets');
  const decided = new Map<string, LeftOut | 'ship'>();
  for (const p of pruned) decided.set(p.relPath, p);

  const parentOf = (rel: string) => rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
  const secrets: SecretFile[] = [];
  const shipped = new Set<string>();

  for (const e of walked) {
    const decision = decide(e, include, exclude, decided, parentOf);
    decided.set(e.relPath, decision);
    if (decision === 'ship') shipped.add(e.relPath);
    // Secrets are looked for in what ships and beside it (a `.env` next to `usr/` is as much a
    // mistake as one inside it), not in what the config excludes or in left-out dependencies.
    const looked = decision === 'ship' || decision.reason === 'outside';
    if (e.type === 'file' && looked && !allow.some((g) => g.covers(e.relPath))) {
      const byName = secretByName(e.relPath);
      if (byName?.kind === 'env-file' || byName?.kind === 'private-key-name') secrets.push({ relPath: e.relPath, ...byName });
      else if (holdsPrivateKey(e.relPath))
        secrets.push({ relPath: e.relPath, kind: 'private-key', looksLike: 'a private key (it holds -----BEGIN ... PRIVATE KEY-----)' });
      else if (byName) secrets.push({ relPath: e.relPath, ...byName });
    }
  }
  // The directories above what ships, ship too (including `opt/x/y` ships `opt` and `opt/x`).
  for (const rel of [...shipped]) {
    for (let d = parentOf(rel); d !== '' && !shipped.has(d); d = parentOf(d)) shipped.add(d);
  }

  const entries = walked.filter((e) => shipped.has(e.relPath));
  const leftOut: LeftOut[] = [];
  const byPath = new Map<string, LeftOut>();
  const all = [...walked.map((e) => ({ e, d: decided.get(e.relPath)! })), ...pruned.map((p) => ({ e: undefined, d: p }))];
  for (const { e, d } of all) {
    const rel = e ? e.relPath : (d as LeftOut).relPath;
    if (shipped.has(rel)) continue;
    // Top-most only: the entry whose parent ships (or is the root) is listed; below it, counted.
    let top = rel;
    while (parentOf(top) !== '' && !shipped.has(parentOf(top))) top = parentOf(top);
    if (top === rel) {
      const item: LeftOut = d === 'ship' ? { relPath: rel, type: e!.type, reason: 'outside', detail: '' } : { ...(d as LeftOut) };
      byPath.set(rel, item);
      leftOut.push(item);
    } else if (e) {
      const item = byPath.get(top);
      if (item && item.type === 'dir') {
        item.entries = (item.entries ?? 0) + 1;
        item.bytes = (item.bytes ?? 0) + (e.type === 'file' ? e.size : 0);
      }
    }
  }
  leftOut.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  secrets.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { entries, leftOut, secrets };
}

function decide(
  e: TreeEntry,
  include: readonly Glob[],
  exclude: readonly Glob[],
  decided: ReadonlyMap<string, LeftOut | 'ship'>,
  parentOf: (rel: string) => string,
): LeftOut | 'ship' {
  const parent = decided.get(parentOf(e.relPath));
  // Below a directory left out by name or by the config, everything is left out for the same reason.
  if (parent && parent !== 'ship' && parent.reason !== 'outside' && parent.reason !== 'dependencies') return parent;
  const name = e.relPath.slice(e.relPath.lastIndexOf('/') + 1);
  const rule = defaultRule(name);
  if (rule) return { relPath: e.relPath, type: e.type, ...rule };
  const ex = exclude.find((g) => g.covers(e.relPath));
  if (ex) return { relPath: e.relPath, type: e.type, reason: 'excluded', detail: `pack.exclude "${ex.pattern}"` };
  if (e.type === 'other') return { relPath: e.relPath, type: e.type, reason: 'special', detail: 'not a file, directory or symbolic link' };
  if (include.some((g) => g.covers(e.relPath))) return 'ship';
  if (parent && parent !== 'ship') return parent;
  if (name === 'node_modules') {
    return {
      relPath: e.relPath,
      type: e.type,
      reason: 'dependencies',
      detail: `dependencies; to ship them, add "${e.relPath}" to pack.include`,
    };
  }
  if (!e.relPath.includes('/') && !PACKAGE_TREES.includes(e.relPath)) {
    return {
      relPath: e.relPath,
      type: e.type,
      reason: 'outside',
      detail: `not in a package tree (${PACKAGE_TREES.slice(0, 3).join('/, ')}/, ...); to ship it, add "${e.relPath}" to pack.include`,
    };
  }
  return 'ship';
}

/**
 * Reads the package directory `dir` and plans what `pack` ships (throws `PackageReadError` when
 * the tree cannot be read, `PackConfigError` for a bad pattern). Version-control directories,
 * editor files, what `pack.exclude` names and, unless `pack.include` mentions them,
 * `node_modules` directories are not read at all.
 */
export function selectPackage(dir: string, config: PackConfig = {}, limits?: Partial<PackageLimits>): PackSelection {
  const exclude = compileAll(config.exclude, 'exclude');
  const includeMentionsDeps = (config.include ?? []).some((p) => p.includes('node_modules'));
  const tree = new PackageTree(dir, limits);
  const pruned: LeftOut[] = [];
  const walked = orThrow(
    tree.walk((e) => {
      const name = e.relPath.slice(e.relPath.lastIndexOf('/') + 1);
      const rule = defaultRule(name);
      const ex = rule ? undefined : exclude.find((g) => g.covers(e.relPath));
      const deps = !rule && !ex && name === 'node_modules' && e.type === 'dir' && !includeMentionsDeps;
      if (!rule && !ex && !deps) return false;
      pruned.push({
        relPath: e.relPath,
        type: e.type,
        ...(rule ??
          (ex
            ? { reason: 'excluded' as const, detail: `pack.exclude "${ex.pattern}"` }
            : { reason: 'dependencies' as const, detail: `dependencies; to ship them, add "${e.relPath}" to pack.include` })),
      });
      return true;
    }),
  );
  return planPackSelection(walked, pruned, config, (rel) => fileHoldsPrivateKey(tree, rel));
}

/** Streams the file looking for a PEM private key header (one that spans two chunks included). */
function fileHoldsPrivateKey(tree: PackageTree, rel: string): boolean {
  let tail = '';
  let found = false;
  orThrow(
    tree.streamFile(rel, (chunk) => {
      if (found) return;
      const text = tail + chunk.toString('latin1');
      if (PRIVATE_KEY_PEM.test(text)) found = true;
      tail = text.slice(-80);
    }),
  );
  return found;
}
