// The hook's StrictModes check and its own JSON syntax locator, unit by unit.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { untrustedPathProblem } from '../../../host/oci-hook/trust.ts';
import { jsonSyntaxError } from '../../../host/oci-hook/config.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oci-hook-trust-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('untrustedPathProblem', () => {
  it('accepts a root-owned chain (the sticky /tmp included) and a missing path', () => {
    writeFileSync(join(dir, 'hook.json'), '{}', { mode: 0o644 });
    expect(untrustedPathProblem(join(dir, 'hook.json'), 'config')).toBeUndefined();
    expect(untrustedPathProblem(join(dir, 'absent/hook.json'), 'config')).toBeUndefined();
    expect(untrustedPathProblem('/', 'config')).toBeUndefined();
  });

  it('names the first untrusted step: the file, a directory above, a link target in a writable directory, a relative hop', () => {
    const f = join(dir, 'hook.json');
    writeFileSync(f, '{}', { mode: 0o664 });
    chmodSync(f, 0o664);
    expect(untrustedPathProblem(f, 'config')).toBe(
      `${f}: the hook's config is not trusted: ${f} is writable by its group (mode 0664, owner uid ${process.geteuid!()}); ` +
        'it and every directory above it must be owned by root and writable by root only (chown root, chmod go-w)',
    );
    chmodSync(f, 0o644);
    mkdirSync(join(dir, 'w'));
    chmodSync(join(dir, 'w'), 0o777);
    mkdirSync(join(dir, 'w/store'));
    symlinkSync('w/store', join(dir, 'store'));
    expect(untrustedPathProblem(join(dir, 'store'), 'store')).toMatch(
      new RegExp(`not trusted: ${dir}/w is writable by its group and others`),
    );
    symlinkSync('../../../../../../..', join(dir, 'up'));
    expect(untrustedPathProblem(join(dir, 'up', dir.slice(1), 'hook.json'), 'config')).toBeUndefined();
  });
});

describe('jsonSyntaxError', () => {
  it('finds the offset and what was expected, for valid JSON nothing', () => {
    expect(jsonSyntaxError('{"a": [1, 2.5e3, true, null, "x\\u00e9"]}')).toBeUndefined();
    expect(jsonSyntaxError('{"a": 1,}')).toEqual({ offset: 8, expected: 'a property name in double quotes' });
    expect(jsonSyntaxError('[1 2]')).toEqual({ offset: 3, expected: "',' or ']' after the array element" });
    expect(jsonSyntaxError('{"a": "x')).toEqual({ offset: 8, expected: 'the end of the string (")' });
    expect(jsonSyntaxError('{} {}')).toEqual({ offset: 3, expected: 'the end of the file after the value' });
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const t of ['', '1', '-0.5', '01', '"\\x"', '{"a":}', '[,]', 'nul', '{"a":1}', ' [ ] ', '"\t"']) {
      let valid = true;
      try {
        JSON.parse(t);
      } catch {
        valid = false;
      }
      expect(jsonSyntaxError(t) === undefined, JSON.stringify(t)).toBe(valid);
    }
  });
});
