// atomicWriteFile: never seen half-written.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile } from '../../../sdk/fs/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomicWriteFile', () => {
  it('writes with the mode asked and leaves no temporary file', () => {
    const p = join(dir, 'a.json');
    atomicWriteFile(p, 'x', { mode: 0o600, fsync: true });
    expect(readFileSync(p, 'utf8')).toBe('x');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('replaces by default, refuses with noReplace and cleans up', () => {
    const p = join(dir, 'u.service');
    atomicWriteFile(p, 'one');
    atomicWriteFile(p, 'two');
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(() => atomicWriteFile(p, 'three', { noReplace: true })).toThrow(/EEXIST/);
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['u.service']);
  });
});
