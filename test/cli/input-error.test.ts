// cli/input-error.ts on its own: the reasons in coreutils' words, the checks by kind of path, and
// what the top level prints for an error a command threw.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cannotRead, fsReason, InputError, readableDirectory, readableFile, readablePath, reportError } from '../../cli/input-error.ts';

const tmp = mkdtempSync(join(tmpdir(), 'composable-input-error-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The error node itself throws for `stat` of `path`. */
function statError(path: string): NodeJS.ErrnoException {
  try {
    statSync(path);
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error(`${path} exists`);
}

describe('fsReason', () => {
  it("gives the C library's text, lowercase, not libuv's", () => {
    expect(fsReason(statError(join(tmp, 'missing')))).toBe('no such file or directory');
    expect(fsReason(Object.assign(new Error("EISDIR: illegal operation on a directory, read '/x'"), { code: 'EISDIR' }))).toBe(
      'is a directory',
    );
    expect(fsReason(Object.assign(new Error('x'), { code: 'ELOOP' }))).toBe('too many levels of symbolic links');
    expect(fsReason(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied');
  });

  it("falls back to libuv's text, then to the code, for a code it does not know", () => {
    expect(fsReason(Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'"), { code: 'EXDEV' }))).toBe(
      'cross-device link not permitted',
    );
    expect(fsReason(Object.assign(new Error('odd'), { code: 'EODD' }))).toBe('EODD');
  });
});

describe('readablePath, readableDirectory, readableFile', () => {
  const file = join(tmp, 'file');
  writeFileSync(file, 'x');

  it('return the stat of what can be read', () => {
    expect(readablePath(tmp).isDirectory()).toBe(true);
    expect(readableDirectory(tmp).isDirectory()).toBe(true);
    expect(readableFile(file).isFile()).toBe(true);
  });

  it('throw InputError in the one shape', () => {
    expect(() => readablePath(join(tmp, 'missing'))).toThrow(
      new InputError(`cannot read ${join(tmp, 'missing')}: no such file or directory`),
    );
    expect(() => readablePath(join(file, 'below'))).toThrow(`cannot read ${join(file, 'below')}: not a directory`);
    expect(() => readableDirectory(file)).toThrow(`cannot read ${file}: not a directory`);
    expect(() => readableFile(tmp)).toThrow(`cannot read ${tmp}: is a directory`);
    expect(cannotRead('x', statError(join(tmp, 'missing')))).toBeInstanceOf(InputError);
  });
});

describe('reportError', () => {
  const report = (e: unknown): { code: number; text: string } => {
    let text = '';
    const code = reportError(e, (t) => {
      text += t;
    });
    return { code, text };
  };

  it('prints an InputError after composable:, exit 2', () => {
    expect(report(new InputError('cannot read x: no such file or directory'))).toEqual({
      code: 2,
      text: 'composable: cannot read x: no such file or directory\n',
    });
  });

  it("keeps the shape for a file system error that escaped a command, instead of libuv's message", () => {
    const missing = join(tmp, 'missing');
    expect(report(statError(missing)).text).toBe(`composable: cannot read ${missing}: no such file or directory\n`);
    const write = Object.assign(new Error(`ENOENT: no such file or directory, open '${missing}/out'`), {
      code: 'ENOENT',
      syscall: 'open',
      path: `${missing}/out`,
    });
    expect(report(write)).toEqual({ code: 2, text: `composable: ${missing}/out: no such file or directory\n` });
  });

  it('prints any other error by its message', () => {
    expect(report(new Error('the generator bundle is missing'))).toEqual({
      code: 2,
      text: 'composable: the generator bundle is missing\n',
    });
  });
});
