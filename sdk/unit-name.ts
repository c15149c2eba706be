// Unit names exactly as systemd makes and checks them (src/basic/unit-name.c behaviour; the
// tests compare with the real `systemd-escape`).

export const UNIT_TYPES = [
  'service',
  'socket',
  'target',
  'device',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice',
  'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** Longest unit name systemd accepts (UNIT_NAME_MAX - 1). */
export const UNIT_NAME_MAX = 255;

const VALID = /^[A-Za-z0-9:_.\\-]$/;
const LETTERS_DIGITS = /[A-Za-z0-9:_.]/;

function escapeByte(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/**
 * `systemd-escape STRING`: `/` becomes `-`; a leading `.`, `-`, `\` and every byte outside
 * `[A-Za-z0-9:_.]` becomes `\xNN` (per UTF-8 byte).
 */
export function escapeUnitNamePart(s: string): string {
  // Fast path: plain ASCII names and paths (the common case at boot) need only `/` -> `-`.
  if (/^[A-Za-z0-9:_/][A-Za-z0-9:_./]*$/.test(s)) return s.replaceAll('/', '-');
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const ch = String.fromCharCode(b);
    if (i === 0 && ch === '.') out += escapeByte(b);
    else if (ch === '/') out += '-';
    else if (b < 0x80 && LETTERS_DIGITS.test(ch)) out += ch;
    else out += escapeByte(b);
  }
  return out;
}

/** `systemd-escape --unescape STRING`: `-` becomes `/`, `\xNN` a byte; a bad escape throws. */
export function unescapeUnitNamePart(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '-') bytes.push(0x2f);
    else if (ch === '\\') {
      const m = /^x([0-9a-fA-F]{2})/.exec(s.slice(i + 1));
      if (!m) throw new Error(`invalid escape at position ${i} of "${s}": expected \\xNN`);
      bytes.push(parseInt(m[1]!, 16));
      i += 3;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** systemd's path_simplify: drop duplicate slashes, `.` components and a trailing slash. */
export function simplifyPath(path: string): string {
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? (path === '' ? '' : '.') : joined;
}

function isNormalized(path: string): boolean {
  return !path.split('/').some((p) => p === '..') && !/\/\//.test(path);
}

/**
 * `systemd-escape --path --suffix=SUFFIX PATH`: the unit name for a path, after systemd's
 * simplification. `/` is `-`. Throws for a path with `..` components (systemd refuses it).
 * Relative paths are escaped as systemd-escape does (it only warns), but are not reversible.
 */
export function unitNameFromPath(path: string, suffix: string): string {
  const simple = simplifyPath(path);
  const dot = suffix.startsWith('.') ? suffix : `.${suffix}`;
  if (simple === '/' || simple === '') return `-${dot}`;
  if (!isNormalized(simple))
    throw new Error(`path "${path}" is not normalized (it has .. components); systemd cannot name a unit after it`);
  return `${escapeUnitNamePart(simple.replace(/^\/+/, '').replace(/\/+$/, ''))}${dot}`;
}

/** `systemd-escape --unescape --path` of a unit name (its suffix removed first, if it has one). */
export function pathFromUnitName(name: string): string {
  const parsed = parseUnitName(name);
  const prefix = parsed ? name.slice(0, name.length - parsed.type.length - 1) : name;
  if (prefix === '-') return '/';
  const path = `/${unescapeUnitNamePart(prefix)}`;
  if (
    !isNormalized(path) ||
    path.endsWith('/') ||
    path
      .split('/')
      .slice(1)
      .some((p) => p === '.')
  ) {
    throw new Error(`"${name}" does not name a normalized path`);
  }
  return path;
}

/** `systemd-escape --template=foo@.service INSTANCE`. */
export function unitNameFromTemplate(template: string, instance: string): string {
  const parsed = parseUnitName(template);
  if (!parsed?.template) throw new Error(`"${template}" is not a template unit name such as foo@.service`);
  return `${parsed.prefix}@${escapeUnitNamePart(instance)}.${parsed.type}`;
}

export interface ParsedUnitName {
  /** Part before `@` (or before the suffix). */
  prefix: string;
  /** Instance, for `foo@bar.service`. */
  instance?: string;
  /** `foo@.service` */
  template: boolean;
  type: UnitType;
}

function validChars(s: string, allowAt: boolean): boolean {
  for (const ch of s) if (!(VALID.test(ch) || (allowAt && ch === '@'))) return false;
  return true;
}

/** Split and validate a unit name as systemd's unit_name_is_valid does; undefined when invalid. */
export function parseUnitName(name: string): ParsedUnitName | undefined {
  if (name.length === 0 || name.length > UNIT_NAME_MAX) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1);
  if (!(UNIT_TYPES as readonly string[]).includes(type)) return undefined;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return validChars(stem, false) ? { prefix: stem, template: false, type: type as UnitType } : undefined;
  if (at === 0) return undefined;
  const prefix = stem.slice(0, at);
  const instance = stem.slice(at + 1);
  if (!validChars(prefix, false) || !validChars(instance, true)) return undefined;
  return instance === ''
    ? { prefix, template: true, type: type as UnitType }
    : { prefix, instance, template: false, type: type as UnitType };
}

export interface UnitNameRules {
  allowTemplate?: boolean;
  allowInstance?: boolean;
}

export function isValidUnitName(name: string, rules: UnitNameRules = { allowTemplate: true, allowInstance: true }): boolean {
  const p = parseUnitName(name);
  if (!p) return false;
  if (p.template && !rules.allowTemplate) return false;
  if (p.instance !== undefined && !rules.allowInstance) return false;
  return true;
}

export function unitType(name: string): UnitType | undefined {
  return parseUnitName(name)?.type;
}

/**
 * The portable prefix rule (portablectl, systemd.portable): a unit belongs to an image whose
 * prefix is P when its name is `P.<type>` or starts with `P-`, `P.` or `P@`.
 */
export function hasPortablePrefix(unitName: string, prefix: string): boolean {
  if (!unitName.startsWith(prefix)) return false;
  const next = unitName[prefix.length];
  return next === '-' || next === '.' || next === '@';
}
