// writePlanFiles: the generator's output written in place, in an order that never exposes an unfinished unit.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePlanFiles } from '../../../generator/output/write-tree.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writePlanFiles', () => {
  it('writes files and relative symlinks, and never overwrites an existing unit', () => {
    writeFileSync(join(dir, 'taken.service'), 'mine');
    const errors = writePlanFiles(dir, [
      { kind: 'file', path: 'a.service', content: '[Service]\n' },
      { kind: 'symlink', path: 'composable.target.wants/a.service', target: '../a.service' },
      { kind: 'file', path: 'taken.service', content: 'theirs' },
    ]);
    expect(errors).toEqual([{ path: 'taken.service', message: `taken.service already exists in ${dir}; not overwriting it` }]);
    expect(readFileSync(join(dir, 'taken.service'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'composable.target.wants/a.service'), 'utf8')).toBe('[Service]\n');
  });
});

describe('writePlanFiles order and failures', () => {
  it('does not write a unit whose drop-in could not be written, and writes the others', () => {
    mkdirSync(join(dir, 'a.service.d'));
    writeFileSync(join(dir, 'a.service.d/zz-composable.conf'), 'planted');
    const errors = writePlanFiles(dir, [
      { kind: 'file', path: 'a.service', content: '[Service]\nExecStart=/bin/a\n' },
      { kind: 'file', path: 'a.service.d/zz-composable.conf', content: '[Service]\nUser=a\n' },
      { kind: 'file', path: 'b.service', content: '[Service]\nExecStart=/bin/b\n' },
      { kind: 'file', path: 'b.service.d/zz-composable.conf', content: '[Service]\nUser=b\n' },
      { kind: 'symlink', path: 'composable.target.wants/b.service', target: '../b.service' },
    ]);
    expect(errors.map((e) => e.path)).toEqual(['a.service.d/zz-composable.conf', 'a.service']);
    expect(errors[1]!.message).toMatch(/not written because one of its drop-ins could not be written/);
    expect(existsSync(join(dir, 'a.service'))).toBe(false);
    expect(readFileSync(join(dir, 'a.service.d/zz-composable.conf'), 'utf8')).toBe('planted');
    expect(readFileSync(join(dir, 'b.service.d/zz-composable.conf'), 'utf8')).toBe('[Service]\nUser=b\n');
    expect(readFileSync(join(dir, 'composable.target.wants/b.service'), 'utf8')).toBe('[Service]\nExecStart=/bin/b\n');
  });

  it('writes files over one page whole, through a temporary file, and leaves no temporary file', () => {
    const big = `[Service]\n${'Environment=X=0123456789\n'.repeat(400)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(4096);
    expect(writePlanFiles(join(dir, 'out'), [{ kind: 'file', path: 'big.service', content: big }])).toEqual([]);
    expect(readFileSync(join(dir, 'out/big.service'), 'utf8')).toBe(big);
    expect(readdirSync(join(dir, 'out'))).toEqual(['big.service']);
  });
});
