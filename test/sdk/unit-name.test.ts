// Unit names against the real systemd-escape over a table of tricky inputs.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  escapeUnitNamePart,
  hasPortablePrefix,
  isValidUnitName,
  parseUnitName,
  pathFromUnitName,
  unescapeUnitNamePart,
  unitNameFromPath,
  unitNameFromTemplate,
} from '../../sdk/unit-name.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.systemdEscape], 'systemd-escape comparison');

function systemdEscape(args: string[]): { ok: true; out: string } | { ok: false } {
  try {
    return {
      ok: true,
      out: execFileSync('systemd-escape', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\n$/, ''),
    };
  } catch {
    return { ok: false };
  }
}

const STRINGS = [
  'plain',
  'with space',
  'tab\there',
  'dash-dash',
  '.leading-dot',
  'a.b.c',
  'percent%sign',
  'at@sign',
  'tilde~',
  'back\\slash',
  'ünïcödé',
  'emoji 🚀',
  'colon:under_score',
  'slash/inside',
  '/leading/slash',
  'trailing/',
  '---',
  '..',
  'quote"s',
  "it's",
  'x'.repeat(200),
];
const PATHS = [
  '/',
  '/a',
  '/a/b',
  '//a//b/',
  '/a/./b',
  '/a/b/.',
  '/a/b/',
  '/opt/composable/logship',
  '/opt/composable/my.pkg',
  '/opt/composable/-dash',
  '/opt/composable/ünï',
  '/with space/x',
  '/a/.hidden',
  '/.hidden',
  '/a%b',
  '/a@b',
  '/a~b',
  '/a\\b',
  '/a\tb',
  '/a/../b',
  'relative/path',
  '',
];
const UNESCAPE_PATHS = ['-', 'a-b', '\\x2da', '-a', 'a--b', 'a-', '.x', 'a\\x2fb', '\\xzz', 'opt-composable-logship', 'a\\x20b'];

describe.skipIf(missing.length > 0)('agreement with systemd-escape', () => {
  it.each(STRINGS)('string %j', (s) => {
    const want = systemdEscape(['--', s]);
    expect(want.ok).toBe(true);
    if (want.ok) expect(escapeUnitNamePart(s)).toBe(want.out);
    const back = systemdEscape(['-u', '--', escapeUnitNamePart(s)]);
    if (back.ok) expect(unescapeUnitNamePart(escapeUnitNamePart(s))).toBe(back.out);
  });

  it.each(PATHS)('path %j', (p) => {
    const want = systemdEscape(['--path', '--suffix=mount', '--', p]);
    if (!want.ok) {
      expect(() => unitNameFromPath(p, '.mount')).toThrow();
      return;
    }
    expect(unitNameFromPath(p, '.mount')).toBe(want.out);
  });

  it.each(UNESCAPE_PATHS)('unescape path %j', (name) => {
    const want = systemdEscape(['-u', '--path', '--', name]);
    if (!want.ok) {
      expect(() => pathFromUnitName(name)).toThrow();
      return;
    }
    expect(pathFromUnitName(name)).toBe(want.out);
  });

  it.each(['a/b c', 'jobs', 'ünï', '.x', 'x-y'])('template instance %j', (instance) => {
    const want = systemdEscape(['--template=worker@.service', '--', instance]);
    expect(want.ok && unitNameFromTemplate('worker@.service', instance)).toBe(want.ok && want.out);
  });
});

describe('unit names', () => {
  it('parses plain, template and instance names', () => {
    expect(parseUnitName('logship.service')).toEqual({ prefix: 'logship', template: false, type: 'service' });
    expect(parseUnitName('worker@.service')).toEqual({ prefix: 'worker', template: true, type: 'service' });
    expect(parseUnitName('worker@a@b.service')).toEqual({ prefix: 'worker', instance: 'a@b', template: false, type: 'service' });
  });
  it.each(['', 'noext', 'x.unknown', '@x.service', 'a b.service', 'a/b.service', '.service', `${'a'.repeat(250)}.service`])(
    'rejects %j',
    (n) => {
      expect(isValidUnitName(n)).toBe(false);
    },
  );
  it('honours template and instance rules', () => {
    expect(isValidUnitName('w@.service', { allowTemplate: false })).toBe(false);
    expect(isValidUnitName('w@x.service', { allowInstance: false })).toBe(false);
    expect(isValidUnitName('w.service', { allowTemplate: false, allowInstance: false })).toBe(true);
  });
  it('applies the portable prefix rule', () => {
    expect(hasPortablePrefix('logship.service', 'logship')).toBe(true);
    expect(hasPortablePrefix('logship-rotate.timer', 'logship')).toBe(true);
    expect(hasPortablePrefix('logship@x.service', 'logship')).toBe(true);
    expect(hasPortablePrefix('logship.d.service', 'logship')).toBe(true);
    expect(hasPortablePrefix('logshipper.service', 'logship')).toBe(false);
    expect(hasPortablePrefix('rotate.timer', 'logship')).toBe(false);
  });
});
