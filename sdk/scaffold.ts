// composable init: a new package from a template in templates/<name>/. Every `{{name}}` in file
// names and contents becomes the package name and `{{mode}}` its mode; a `.tmpl` suffix is dropped
// (so the templates' own tests do not run as part of this repository's suite). Existing files are
// never overwritten.
//
// A chroot-mode package runs with its tree as `/` (under the generator, and under `portablectl
// attach`), so it also gets, from planChrootCompletion(): a static busybox and its applet links (the
// shell and tools its script needs), the mount points systemd mounts onto, and a directory per
// StateDirectory=/CacheDirectory=/LogsDirectory=. The busybox binary is copied from the machine at
// init time, never kept in this repository (docs/packaging.md says why).
import {
  constants as fsConstants,
  copyFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { SERVICE_NAME_PATTERN } from './schema/common.ts';
import { PACKAGE_UNIT_DIR } from './contract.ts';
import { parseUnitFile } from './unit-file/parse.ts';

export const TEMPLATES = ['daemon', 'timer', 'oneshot', 'socket', 'log-shipper'] as const;
export type TemplateName = (typeof TEMPLATES)[number];
export type PackageMode = 'host' | 'chroot';
/** Templates whose program is a shell script, which the package's busybox runs in chroot mode.
 *  `socket` and `log-shipper` are node programs: a chroot would need node and its libraries. */
export const CHROOT_TEMPLATES: readonly TemplateName[] = ['daemon', 'timer', 'oneshot'];

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

export function checkPackageName(name: string): string | undefined {
  if (!SERVICE_NAME_PATTERN.test(name)) {
    return (
      `"${name}" cannot be a package name: use 1-128 characters of A-Z a-z 0-9 : _ . - , not starting with . or - ` +
      `(it becomes unit names like ${name.replace(/[^A-Za-z0-9:_.-]/g, '') || 'name'}.service)`
    );
  }
  return undefined;
}

export interface PlannedFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** The files a template gives for `name` (pure apart from reading the template). */
export function renderTemplate(templatesDir: string, template: TemplateName, name: string, mode: PackageMode = 'host'): PlannedFile[] {
  const root = join(templatesDir, template);
  if (!existsSync(root)) throw new ScaffoldError(`template "${template}" not found in ${templatesDir}`);
  const out: PlannedFile[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${entry}` : entry;
      const st = statSync(join(root, r));
      if (st.isDirectory()) walk(r);
      else {
        const path = r.replaceAll('{{name}}', name).replace(/\.tmpl$/, '');
        const content = Buffer.from(readFileSync(join(root, r), 'utf8').replaceAll('{{name}}', name).replaceAll('{{mode}}', mode));
        out.push({ path, content, mode: st.mode & 0o777 });
      }
    }
  };
  walk('');
  return out;
}

/** Write the files into `dir`; refuses, listing them, when any already exists. */
export function writeScaffold(dir: string, files: readonly PlannedFile[]): string[] {
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length > 0) throw new ScaffoldError(`not overwriting existing files in ${dir}: ${existing.join(', ')}`);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content, { mode: f.mode, flag: 'wx' });
  }
  return files.map((f) => f.path);
}

// --- Chroot mode --------------------------------------------------------------------------------

/** What completing a chroot package adds: a directory, an empty file, a copy, or a symlink. */
export type ChrootEntry =
  | { kind: 'dir'; path: string; why: string }
  | { kind: 'empty-file'; path: string; why: string }
  | { kind: 'copy'; path: string; from: string; mode: number; why: string }
  | { kind: 'symlink'; path: string; target: string; why: string };

/** Directories systemd mounts API file systems and tmpfs onto (MountAPIVFS=, PrivateTmp=). */
export const CHROOT_MOUNT_DIRS = ['dev', 'proc', 'sys', 'run', 'tmp', 'var/tmp'] as const;
/** Files systemd binds the container's own onto (BindReadOnlyPaths= of chroot mode and of
 *  portablectl's profiles); a bind mount needs an existing file to mount onto. */
export const CHROOT_MOUNT_FILES = ['etc/machine-id', 'etc/resolv.conf'] as const;
/** Where systemd puts each kind of *Directory= below the root (systemd.exec(5)). */
export const DIRECTORY_ROOTS = { StateDirectory: 'var/lib', CacheDirectory: 'var/cache', LogsDirectory: 'var/log' } as const;
/** Where the package's busybox lives; its applets link to it. */
export const BUSYBOX_PATH = 'usr/bin/busybox';

/** `var/lib/x` for each StateDirectory=x (and cache, logs) of the unit texts, in order, once each. */
export function directoryStubs(unitTexts: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of unitTexts) {
    for (const section of parseUnitFile(text).sections) {
      if (section.name !== 'Service') continue;
      for (const node of section.nodes) {
        if (node.type !== 'entry' || !(node.key in DIRECTORY_ROOTS)) continue;
        const root = DIRECTORY_ROOTS[node.key as keyof typeof DIRECTORY_ROOTS];
        if (node.value === '') continue;
        for (const word of node.value.split(/\s+/).filter(Boolean)) {
          const rel = posix.normalize(word.replace(/:.*$/, '')).replace(/^\/+|\/+$/g, '');
          if (!rel || rel.startsWith('..')) continue;
          const path = `${root}/${rel}`;
          if (!out.includes(path)) out.push(path);
        }
      }
    }
  }
  return out;
}

/**
 * What a chroot package lacks, given the paths it has (pure). `applets` are busybox's applet paths
 * (`busybox --list-full`, e.g. `bin/sh`, `usr/bin/awk`); `busybox` is the binary to copy in, or
 * undefined when the package brings its own runtime. Nothing that exists is replaced.
 */
export function planChrootCompletion(
  existing: ReadonlySet<string>,
  unitTexts: readonly string[],
  busybox?: { from: string; applets: readonly string[] },
): ChrootEntry[] {
  const out: ChrootEntry[] = [];
  const has = (p: string): boolean => existing.has(p) || out.some((e) => e.path === p);
  for (const d of CHROOT_MOUNT_DIRS) if (!has(d)) out.push({ kind: 'dir', path: d, why: 'mount point' });
  for (const f of CHROOT_MOUNT_FILES) if (!has(f)) out.push({ kind: 'empty-file', path: f, why: 'mount point' });
  for (const d of directoryStubs(unitTexts)) if (!has(d)) out.push({ kind: 'dir', path: d, why: 'state, cache or logs directory' });
  if (busybox && !existing.has(BUSYBOX_PATH)) {
    out.push({ kind: 'copy', path: BUSYBOX_PATH, from: busybox.from, mode: 0o755, why: 'static busybox: the shell and tools' });
    for (const applet of busybox.applets) {
      const path = posix.normalize(applet).replace(/^\/+/, '');
      // Only programs (not linuxrc, busybox's init at the root).
      if (!/^(usr\/)?s?bin\/[^/]+$/.test(path) || path === BUSYBOX_PATH || has(path)) continue;
      out.push({ kind: 'symlink', path, target: posix.relative(posix.dirname(path), BUSYBOX_PATH), why: 'busybox applet' });
    }
  }
  return out;
}

/** The unit files of a package directory, as text (for directoryStubs). */
export function readUnitTexts(dir: string): string[] {
  const unitDir = join(dir, PACKAGE_UNIT_DIR);
  if (!existsSync(unitDir)) return [];
  return readdirSync(unitDir)
    .sort()
    .filter((n) => /\.(service|socket|timer|path|target)$/.test(n) && statSync(join(unitDir, n)).isFile())
    .map((n) => readFileSync(join(unitDir, n), 'utf8'));
}

/** Every path below `dir` (relative, `/`-separated), without following symlinks. */
export function existingPaths(dir: string): Set<string> {
  const out = new Set<string>();
  const visit = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      out.add(r);
      if (lstatSync(join(dir, r)).isDirectory()) visit(r);
    }
  };
  if (existsSync(dir)) visit('');
  return out;
}

/** Apply a completion plan to `dir`. Entries are created, never replaced. */
export function writeChrootEntries(dir: string, entries: readonly ChrootEntry[]): void {
  for (const e of entries) {
    const path = join(dir, e.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    if (e.kind === 'dir') mkdirSync(path, { recursive: true, mode: 0o755 });
    else if (e.kind === 'empty-file') writeFileSync(path, '', { mode: 0o644, flag: 'wx' });
    else if (e.kind === 'symlink') symlinkSync(e.target, path);
    else {
      copyFileSync(e.from, path, fsConstants.COPYFILE_EXCL);
      chmodSync(path, e.mode);
    }
  }
}
