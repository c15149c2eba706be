// The generator's reading edge: which image a store file is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageType } from '../../../generator/input/read-input.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('imageType', () => {
  it('recognises squashfs and erofs by their magic', () => {
    writeFileSync(join(dir, 'a.squashfs'), Buffer.concat([Buffer.from('hsqs'), Buffer.alloc(100)]));
    const erofs = Buffer.alloc(2048);
    erofs.writeUInt32LE(0xe0f5e1e2, 1024);
    writeFileSync(join(dir, 'b.erofs'), erofs);
    writeFileSync(join(dir, 'c.txt'), 'hello');
    expect(imageType(join(dir, 'a.squashfs'))).toBe('squashfs');
    expect(imageType(join(dir, 'b.erofs'))).toBe('erofs');
    expect(imageType(join(dir, 'c.txt'))).toBeUndefined();
  });
});
