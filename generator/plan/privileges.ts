// What a package's own units may not do, whatever its drop-ins say: lift the privileges its
// metadata and profile give it, or make PID 1 (as root, before any sandbox) act outside the
// package. Under every profile but `trusted`:
// - no Exec*= command with the prefixes `+` (full privileges: no User=, namespaces or capability
//   limits), `!` or `!!` (no user change), and no Exec*= line the generator cannot read (it could
//   hide a prefix: fail closed);
// - no LoadCredential=/LoadCredentialEncrypted= of a file outside the package and its own
//   credentials directory: systemd reads the file as root and hands it over, so any path would
//   leak another service's secret or /etc/shadow;
// - in chroot mode, no BindPaths=/BindReadOnlyPaths= source, MountImages=, ExtensionImages=,
//   ExtensionDirectories= or RootImage= outside the package (besides what the chroot profile
//   binds itself): each would bring the container's files into the chroot;
// - every other directive as sdk/unit-file/directive-classes.ts classifies it: no `privileged`
//   value (unless the generated drop-in resets that setting itself); a `unit-ref` only to the
//   package's own units or the targets foreignUnitsAllowed() lists; a `path` only inside the
//   package (symlinks resolved inside it by the reader: `resolveInPackage`) or the service's own
//   RuntimeDirectory=, StateDirectory=, CacheDirectory= and LogsDirectory=, whose names must be the
//   package's own; no directive the table does not know (a newer systemd's, a typo) and no value
//   the generator cannot read.
// Every entry of the unit and of its drop-ins is checked, even one a later assignment resets.
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, type Mode, type Profile } from '../../sdk/contract.ts';
import { getEntries } from '../../sdk/unit-file/lookup.ts';
import type { EntryNode, UnitFile } from '../../sdk/unit-file/types.ts';
import { splitWords } from '../../sdk/unit-file/words.ts';
import { EXEC_DIRECTIVES } from '../../sdk/unit-file/exec-search.ts';
import {
  DIRECTIVE_CLASSES,
  type DirectiveClass,
  foreignUnitsAllowed,
  isDangerousValue,
  ordersAfterAnyMount,
} from '../../sdk/unit-file/directive-classes.ts';
import { hasPortablePrefix, parseUnitName } from '../../sdk/unit-name.ts';
import { commandLineOf } from './exec-paths.ts';
import { CHROOT_DIRECTIVES, type Directive } from './profiles.ts';

/** Whether a path below the package resolves inside it: `ok`, or why not (a link out, a loop). */
export type PackagePathCheck = { ok: true } | { ok: false; message: string };

export interface PrivilegeContext {
  name: string;
  /** Stable path of the package (`/opt/composable/<name>`). */
  where: string;
  mode: Mode;
  profile: Profile;
  /** The unit the file belongs to (`x.service`; a drop-in's unit): its type and specifiers.
   *  Without it only the Exec, credential and chroot checks run (the linter's policy rule calls
   *  this without the package's other units, which the directive-table checks need). */
  unitName?: string;
  /** Every unit the package ships (its own); default: `unitName` alone. */
  ownUnits?: readonly string[];
  /** The package's unit-name prefixes (PORTABLE_PREFIXES); default: the name. Directory names
   *  (RuntimeDirectory= ...) must start with one. */
  prefixes?: readonly string[];
  /** The *Directory= names the package's units declare (checked as own names). */
  ownDirectories?: readonly string[];
  /** Follows a package-relative path inside the package (sdk/fs/safe-read.ts PackageTree.resolve);
   *  absent: the path is checked as written only. */
  resolveInPackage?: (relPath: string) => PackagePathCheck;
  /** Settings the generated drop-in of this unit sets after the package's files: a dangerous value
   *  of one of these is reset by it (the documented behaviour), not refused. */
  generated?: readonly Directive[];
}

export type PrivilegeCode =
  | 'exec-privileged-prefix'
  | 'exec-unparseable'
  | 'credential-outside-package'
  | 'chroot-path-outside'
  | 'directive-privileged'
  | 'directive-unit-foreign'
  | 'directive-path-outside'
  | 'directive-unknown'
  | 'directive-value-unreadable';

export interface PrivilegeFinding {
  code: PrivilegeCode;
  entry: EntryNode;
  message: string;
}

/** Exec*= directives ("Section.Key"), checked by the prefix and parse checks below. */
const EXEC_KEYS = new Set(Object.entries(EXEC_DIRECTIVES).flatMap(([s, keys]) => keys.map((k) => `${s}.${k}`)));

/** Sections whose exec settings apply to processes systemd starts for the unit. */
const EXEC_SECTIONS = ['Service', 'Socket'] as const;

/** The section of each unit type besides [Unit] and [Install] (systemd.unit(5)). */
const TYPE_SECTION: Record<string, string | undefined> = {
  service: 'Service',
  socket: 'Socket',
  path: 'Path',
  timer: 'Timer',
  slice: 'Slice',
  scope: 'Scope',
  mount: 'Mount',
  swap: 'Swap',
  automount: 'Automount',
  target: undefined,
  device: undefined,
};

/** Sources the chroot profile binds itself (CHROOT_DIRECTIVES), so a unit may name them too. */
export const CHROOT_GRANTED_PATHS: readonly string[] = CHROOT_DIRECTIVES.filter(([k]) => k === 'BindReadOnlyPaths')
  .flatMap(([, v]) => v.split(' '))
  .map((p) => p.replace(/^-/, ''));

/** The chroot checks below (chroot-path-outside) own these keys in chroot mode. */
const CHROOT_CHECKED = ['BindPaths', 'BindReadOnlyPaths', 'MountImages', 'ExtensionImages', 'ExtensionDirectories', 'RootImage'];

/** Where PID 1 creates each kind of the service's own directory (systemd.exec(5), system manager). */
const OWN_DIRECTORY_BASES: Record<string, string> = {
  RuntimeDirectory: '/run',
  StateDirectory: '/var/lib',
  CacheDirectory: '/var/cache',
  LogsDirectory: '/var/log',
};
const DIRECTORY_KEYS = [...Object.keys(OWN_DIRECTORY_BASES), 'ConfigurationDirectory'];

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** A source path written in a unit: absolute, no specifiers, normalised; undefined when not checkable. */
function plainPath(raw: string): string | undefined {
  const p = raw.replace(/^-/, '');
  if (!p.startsWith('/') || p.includes('%')) return undefined;
  return posix.normalize(p);
}

/** Specifiers with a fixed value in the system manager (systemd.unit(5), "Specifiers"). */
const FIXED_SPECIFIERS: Record<string, string> = {
  t: '/run',
  S: '/var/lib',
  C: '/var/cache',
  L: '/var/log',
  E: '/etc',
  T: '/tmp',
  V: '/var/tmp',
  '%': '%',
};

/** What %i stands for in a template unit: a character no name or path written in a unit has. */
const TEMPLATE_INSTANCE = '\u0000';

/**
 * `value` with the specifiers the generator can know expanded: the fixed directories and the
 * unit's own name parts. Undefined when another one is left (%i of a template, %H, %m ...): the
 * value cannot be checked, so it is refused.
 */
function expandSpecifiers(value: string, unitName: string | undefined): string | undefined {
  const parsed = unitName ? parseUnitName(unitName) : undefined;
  const nameParts: Record<string, string | undefined> = parsed
    ? {
        n: unitName,
        N: unitName!.slice(0, -(parsed.type.length + 1)),
        p: parsed.prefix,
        j: parsed.prefix.split('-').at(-1),
        // A template's instance is not known; the same stand-in on both sides still lets
        // /run/x-%i/sock match RuntimeDirectory=x-%i.
        i: parsed.template ? TEMPLATE_INSTANCE : parsed.instance || undefined,
        I: parsed.template ? TEMPLATE_INSTANCE : parsed.instance || undefined,
      }
    : {};
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') {
      out += value[i];
      continue;
    }
    const c = value[++i];
    const v = c === undefined ? undefined : (FIXED_SPECIFIERS[c] ?? nameParts[c]);
    if (v === undefined) return undefined;
    out += v;
  }
  return out;
}

/** Whether a *Directory= name (first component) is the package's own: its name or a prefix of it. */
function ownName(dirName: string, ctx: PrivilegeContext): boolean {
  const first = dirName.split('/')[0]!;
  return [ctx.name, ...(ctx.prefixes ?? [])].some((p) => first === p || hasPortablePrefix(first, p));
}

/** The *Directory= names a unit file declares (each word; `name:link` gives both). */
export function declaredDirectories(file: UnitFile): string[] {
  const out: string[] = [];
  for (const key of DIRECTORY_KEYS)
    for (const entry of getEntries(file, 'Service', key)) for (const w of splitWords(entry.value)) out.push(...w.split(':'));
  return out;
}

/** A unit name the package owns: one of its units, or an instance of one of its templates. */
function isOwnUnit(name: string, ctx: PrivilegeContext): boolean {
  const own = ctx.ownUnits ?? (ctx.unitName ? [ctx.unitName] : []);
  if (own.includes(name)) return true;
  const p = parseUnitName(name);
  return p?.instance !== undefined && own.includes(`${p.prefix}@.${p.type}`);
}

/** The paths a `path` directive's value makes PID 1 act on, as written; `[]` when it names none
 *  itself (DirectoryMode=: the Listen*= lines are checked), `undefined` for a terminal (tty). */
function pathsOf(section: string, key: string, value: string): string[] | undefined {
  const words = (): string[] => splitWords(value);
  switch (key) {
    case 'StandardInput':
    case 'StandardOutput':
    case 'StandardError': {
      const colon = value.indexOf(':');
      return colon < 0 ? undefined : [value.slice(colon + 1)];
    }
    case 'Symlinks':
    case 'ReadWritePaths':
    case 'ReadWriteDirectories':
    case 'ExtensionDirectories':
    case 'RequiresMountsFor':
      return words().map((w) => w.replace(/^[-+]+/, ''));
    case 'BindPaths':
    case 'BindReadOnlyPaths':
    case 'MountImages':
    case 'ExtensionImages':
      return words().map((w) => w.split(':')[0]!.replace(/^[-+]+/, ''));
    case 'EnvironmentFile':
    case 'WorkingDirectory':
      return [value.replace(/^-/, '')];
    case 'PIDFile':
      // A relative PIDFile= is below /run (systemd.service(5)).
      return [value.startsWith('/') || value.startsWith('%') ? value : `/run/${value}`];
    default:
      if (DIRECTIVE_CLASSES[`${section}.${key}`]?.actsOn) return [];
      return [value];
  }
}

function finding(code: PrivilegeCode, entry: EntryNode, message: string): PrivilegeFinding {
  return { code, entry, message };
}

const IDENTITY = ['User', 'Group', 'SupplementaryGroups'];

/**
 * Whether a privileged value in a package's file gives the service nothing it would not have
 * without it: the generated drop-in resets the setting (see `generated`), or the value only
 * restates systemd's default. Settings whose default is the dangerous value (NoNewPrivileges=no,
 * PrivateDevices=no ...: the `unless-true` rule) are what the profile decides, in the drop-in that
 * systemd applies last. Without a `user` in the metadata the service runs as root, so the unit's
 * User=, Group= and SupplementaryGroups= can only lower that; with one, the drop-in resets all three.
 */
function noWorseThanDefault(key: string, cls: DirectiveClass, ctx: PrivilegeContext): boolean {
  if (cls.valueRule === 'unless-true') return true;
  const generated = ctx.generated ?? [];
  if (IDENTITY.includes(key) && !generated.some(([k]) => k === 'User')) return true;
  // Ambient capabilities are masked by the bounding set, which the drop-in then resets.
  if (key === 'AmbientCapabilities' && resetByDropIn('CapabilityBoundingSet', ctx)) return true;
  return resetByDropIn(key, ctx);
}

/** Whether the generated drop-in replaces the package's `key` with its own value (see `generated`):
 *  a list setting only after an empty assignment; User= is a single value. */
function resetByDropIn(key: string, ctx: PrivilegeContext): boolean {
  const mine = (ctx.generated ?? []).filter(([k]) => k === key);
  return mine.length > 0 && (mine[0]![1] === '' || key === 'User');
}

/** Directive-table checks of one entry (privileged, unit-ref, path, unknown). */
function classFindings(file: UnitFile, section: string, entry: EntryNode, ctx: PrivilegeContext, out: PrivilegeFinding[]): void {
  const { key } = entry;
  const id = `${section}.${key}`;
  const cls = Object.hasOwn(DIRECTIVE_CLASSES, id) ? DIRECTIVE_CLASSES[id] : undefined;
  if (cls === undefined) {
    out.push(
      finding(
        'directive-unknown',
        entry,
        `${key}= is not a [${section}] directive of systemd 252, so the generator cannot tell what it makes PID 1 do; remove it (or prefix it with X- if it is for another program)`,
      ),
    );
    return;
  }
  if (!isDangerousValue(cls, entry.value)) return;
  switch (cls.class) {
    case 'harmless':
      return;
    case 'privileged':
      if (noWorseThanDefault(key, cls, ctx)) return;
      out.push(
        finding(
          'directive-privileged',
          entry,
          `${key}=${entry.value}: ${cls.why}; only the trusted profile allows it${key === 'User' || key === 'Group' || key === 'SupplementaryGroups' ? ' (name the user in the metadata instead)' : ''}`,
        ),
      );
      return;
    case 'unit-ref':
      if (key === 'RequiresMountsFor') pathFindings(file, section, entry, cls, ctx, out);
      else unitRefFindings(section, entry, ctx, out);
      return;
    case 'path':
      pathFindings(file, section, entry, cls, ctx, out);
      return;
  }
}

/** foreignUnitsAllowed() by "Section.Key", built once: every unit of every package asks at boot. */
const FOREIGN_ALLOWED = new Map<string, ReadonlySet<string>>();
function allowedForeignUnits(section: string, key: string): ReadonlySet<string> {
  let set = FOREIGN_ALLOWED.get(`${section}.${key}`);
  if (set === undefined) {
    set = new Set(foreignUnitsAllowed(section, key));
    FOREIGN_ALLOWED.set(`${section}.${key}`, set);
  }
  return set;
}

function unitRefFindings(section: string, entry: EntryNode, ctx: PrivilegeContext, out: PrivilegeFinding[]): void {
  const allowed = allowedForeignUnits(section, entry.key);
  for (const word of splitWords(entry.value)) {
    const name = expandSpecifiers(word, ctx.unitName);
    if (name === undefined) {
      out.push(
        finding(
          'directive-value-unreadable',
          entry,
          `${entry.key}=${word}: a specifier the generator cannot expand; name the unit in full`,
        ),
      );
      continue;
    }
    if (isOwnUnit(name, ctx) || allowed.has(name)) continue;
    if (name.endsWith('.mount') && ordersAfterAnyMount(section, entry.key)) continue;
    const also =
      allowed.size > 0 ? ` (or ${allowed.size > 3 ? 'one of the targets docs/profiles.md lists' : [...allowed].join(', ')})` : '';
    out.push(
      finding(
        'directive-unit-foreign',
        entry,
        `${entry.key}=${name} names a unit the package does not own; a ${ctx.profile} package may name only its own units here${also}`,
      ),
    );
  }
}

function pathFindings(
  file: UnitFile,
  section: string,
  entry: EntryNode,
  cls: DirectiveClass,
  ctx: PrivilegeContext,
  out: PrivilegeFinding[],
): void {
  const { key } = entry;
  if (entry.value === '') return;
  if (ctx.mode === 'chroot' && CHROOT_CHECKED.includes(key)) return;
  // Inside the chroot: RootDirectory= makes these relative to the package (systemd.exec(5)).
  if (ctx.mode === 'chroot' && ['WorkingDirectory', 'ReadWritePaths', 'ReadWriteDirectories', 'RootDirectory'].includes(key)) return;
  if (key === 'LoadCredential' || key === 'LoadCredentialEncrypted') return;
  if (DIRECTORY_KEYS.includes(key)) {
    for (const word of splitWords(entry.value)) {
      for (const raw of word.split(':')) {
        const name = expandSpecifiers(raw, ctx.unitName);
        if (name === undefined || name.split('/').includes('..') || !ownName(name, ctx)) {
          out.push(
            finding(
              'directive-path-outside',
              entry,
              `${key}=${word}: PID 1 creates and chowns this directory as root; its name must start with the package's name (${ctx.name}) or one of its prefixes`,
            ),
          );
        }
      }
    }
    return;
  }
  // TTYReset= and the other TTY* settings act on TTYPath=, which is /dev/console when the unit
  // does not set it (itself checked as a path where it is set).
  if (cls.actsOn?.some((a) => a.endsWith('.TTYPath')) && getEntries(file, section, 'TTYPath').length === 0) {
    out.push(
      finding(
        'directive-path-outside',
        entry,
        `${key}=${entry.value}: ${cls.why}; without TTYPath= in this file that is /dev/console, the container's console`,
      ),
    );
    return;
  }
  const paths = pathsOf(section, key, entry.value);
  if (paths === undefined) {
    out.push(
      finding(
        'directive-path-outside',
        entry,
        `${key}=${entry.value}: ${cls.why}; a terminal is not the package's, so log to the journal or a file below ${ctx.where} instead`,
      ),
    );
    return;
  }
  // A watched path that MakeDirectory=yes makes PID 1 create (with DirectoryMode=, 0755 by default).
  const creates =
    section === 'Path' &&
    getEntries(file, 'Path', 'MakeDirectory').some((e) => isDangerousValue(DIRECTIVE_CLASSES['Path.MakeDirectory']!, e.value))
      ? ' (MakeDirectory= creates it)'
      : '';
  for (const raw of paths) {
    const problem = pathProblem(raw, ctx);
    if (problem) out.push(finding('directive-path-outside', entry, `${key}=${entry.value}${creates}: ${cls.why}; ${problem}`));
  }
}

/** Why PID 1 may not act on `raw`, or undefined when it is the package's. */
function pathProblem(raw: string, ctx: PrivilegeContext): string | undefined {
  const expanded = expandSpecifiers(raw, ctx.unitName);
  if (expanded === undefined) return `${raw} has a specifier the generator cannot expand; write the path in full`;
  if (!expanded.startsWith('/')) return `${expanded} is not an absolute path`;
  if (expanded.split('/').some((c) => c === '..' || c === '.')) return `${expanded} has . or .. components; write it normalised`;
  const path = posix.normalize(expanded).replace(/\/$/, '') || '/';
  const allowedDirs = `${ctx.where}/ or the service's own RuntimeDirectory=, StateDirectory=, CacheDirectory= or LogsDirectory=`;
  if (isWithin(path, ctx.where)) {
    const rel = path.slice(ctx.where.length + 1);
    const r = rel === '' || !ctx.resolveInPackage ? { ok: true as const } : ctx.resolveInPackage(rel);
    return r.ok ? undefined : `${path} leaves the package: ${r.message}`;
  }
  for (const raw of ctx.ownDirectories ?? []) {
    const dir = expandSpecifiers(raw, ctx.unitName);
    if (dir === undefined || !ownName(dir, ctx) || dir.split('/').includes('..')) continue;
    for (const base of Object.values(OWN_DIRECTORY_BASES)) if (isWithin(path, `${base}/${posix.normalize(dir)}`)) return undefined;
  }
  return `${path} is outside the package; PID 1 acts on it as root, so a non-trusted package may only name paths below ${allowedDirs}`;
}

/** Where a package-relative path a unit names (below `where`) must be resolved by the reader. */
export function packagePathsOf(file: UnitFile, where: string, unitName?: string): string[] {
  const out: string[] = [];
  for (const section of file.sections) {
    for (const node of section.nodes) {
      if (node.type !== 'entry') continue;
      const cls = DIRECTIVE_CLASSES[`${section.name}.${node.key}`];
      if (cls?.class !== 'path' && node.key !== 'RequiresMountsFor' && node.key !== 'LoadCredential') continue;
      const paths = node.key.startsWith('LoadCredential')
        ? [node.value.slice(node.value.indexOf(':') + 1)]
        : (pathsOf(section.name, node.key, node.value) ?? []);
      for (const raw of paths) {
        const p = expandSpecifiers(raw.trim().replace(/^-/, ''), unitName);
        const path = p?.startsWith('/') ? posix.normalize(p).replace(/\/$/, '') : undefined;
        if (path !== undefined && path !== where && isWithin(path, where)) out.push(path.slice(where.length + 1));
      }
    }
  }
  return out;
}

export function privilegeFindings(file: UnitFile, ctx: PrivilegeContext): PrivilegeFinding[] {
  if (ctx.profile === 'trusted') return [];
  const out: PrivilegeFinding[] = [];
  const type = ctx.unitName ? parseUnitName(ctx.unitName)?.type : undefined;
  const typeSection = type === undefined ? undefined : TYPE_SECTION[type];
  for (const section of ctx.unitName === undefined ? [] : file.sections) {
    // systemd ignores X- sections and keys (systemd.unit(5)): they are for other programs.
    if (section.name.startsWith('X-')) continue;
    // [Install] is read by the generator's enablement only (enable.ts), never by PID 1.
    if (section.name === 'Install') continue;
    const known =
      section.name === 'Unit' ||
      (type === undefined ? Object.keys(DIRECTIVE_CLASSES).some((k) => k.startsWith(`${section.name}.`)) : section.name === typeSection);
    for (const node of section.nodes) {
      if (node.type !== 'entry' || node.key.startsWith('X-')) continue;
      if (!known) {
        out.push(
          finding(
            'directive-unknown',
            node,
            `[${section.name}] is not a section of a ${type ?? 'unit'} unit in systemd 252, so the generator cannot tell what ${node.key}= does; remove it`,
          ),
        );
        continue;
      }
      if (EXEC_KEYS.has(`${section.name}.${node.key}`)) continue;
      classFindings(file, section.name, node, ctx, out);
    }
  }
  for (const section of EXEC_SECTIONS) {
    for (const key of EXEC_DIRECTIVES[section] ?? []) {
      for (const entry of getEntries(file, section, key)) {
        if (entry.value === '') continue;
        const parsed = commandLineOf(entry);
        if (!parsed.ok) {
          out.push(
            finding(
              'exec-unparseable',
              entry,
              `${key}=: ${parsed.message}; the generator cannot check what a line it cannot read runs, so it refuses the package`,
            ),
          );
          continue;
        }
        for (const cmd of parsed.commands) {
          const prefix = cmd.rawPrefix.includes('+')
            ? '+'
            : cmd.rawPrefix.includes('!!')
              ? '!!'
              : cmd.rawPrefix.includes('!')
                ? '!'
                : undefined;
          if (prefix) {
            out.push({
              code: 'exec-privileged-prefix',
              entry,
              message:
                `${key}= runs ${cmd.path} with the prefix "${prefix}", ` +
                `which ${prefix === '+' ? 'lifts every sandbox and user setting' : 'skips the user change'}; only the trusted profile allows it`,
            });
          }
        }
      }
    }
    const ownCredentials = posix.join(CREDENTIALS_ROOT, ctx.name);
    for (const key of ['LoadCredential', 'LoadCredentialEncrypted']) {
      for (const entry of getEntries(file, section, key)) {
        if (entry.value === '') continue;
        const colon = entry.value.indexOf(':');
        const path = colon < 0 ? undefined : plainPath(entry.value.slice(colon + 1).trim());
        const inside = path !== undefined && isWithin(path, ctx.where) && resolvesInside(path, ctx);
        if (path === undefined || !(inside || isWithin(path, ownCredentials))) {
          out.push({
            code: 'credential-outside-package',
            entry,
            message:
              `${key}=${entry.value} loads a credential from outside the package and ${ownCredentials}/` +
              `${path !== undefined && isWithin(path, ctx.where) ? ' (a symbolic link in the package leads out)' : ''}; ` +
              `systemd reads it as root, so only those are allowed`,
          });
        }
      }
    }
    if (ctx.mode !== 'chroot') continue;
    const allowed = (p: string | undefined): boolean =>
      p !== undefined && ((isWithin(p, ctx.where) && resolvesInside(p, ctx)) || CHROOT_GRANTED_PATHS.includes(p));
    for (const key of CHROOT_CHECKED) {
      for (const entry of getEntries(file, section, key)) {
        if (entry.value === '') continue;
        // Each word is `[-]SOURCE[:DEST[:OPTIONS]]` (RootImage= is one path).
        const words = key === 'RootImage' ? [entry.value] : splitWords(entry.value);
        for (const word of words) {
          const source = word.split(':')[0]!;
          if (!allowed(plainPath(source))) {
            out.push({
              code: 'chroot-path-outside',
              entry,
              message:
                `${key}= brings ${source} into the chroot; in chroot mode a unit may only bind paths below ${ctx.where} (or ${CHROOT_GRANTED_PATHS.join(', ')})` +
                (plainPath(source) !== undefined && isWithin(plainPath(source)!, ctx.where)
                  ? '; a symbolic link in the package leads out of it'
                  : ''),
            });
          }
        }
      }
    }
  }
  return out;
}

/** A path below `where` that the reader resolves inside the package (symlinks followed). */
function resolvesInside(path: string, ctx: PrivilegeContext): boolean {
  if (path === ctx.where || !ctx.resolveInPackage) return true;
  return ctx.resolveInPackage(path.slice(ctx.where.length + 1)).ok;
}
