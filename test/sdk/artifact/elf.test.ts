// readElf on real programs of this machine, with `file(1)` as the oracle when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasCommand } from '../../helpers/requirements.ts';
import { fakeElf } from '../../../lint/testing/fixtures.ts';
import { hostElfMachine, parseShebang, readElf } from '../../../sdk/artifact/elf.ts';

const PROGRAMS = ['/bin/true', '/usr/bin/env', '/sbin/ldconfig', '/lib/systemd/systemd'].filter((p) => existsSync(p));

describe('readElf', () => {
  it("reads machine and linkage of this machine's programs", () => {
    expect(PROGRAMS.length).toBeGreaterThan(0);
    for (const p of PROGRAMS) {
      const elf = readElf(p)!;
      expect(elf, p).toBeDefined();
      expect(elf.machine, p).toBe(hostElfMachine());
      if (hasCommand('file')) {
        const out = spawnSync('file', ['-L', p], { encoding: 'utf8' }).stdout;
        expect(Boolean(elf.interpreter), `${p}: ${out}`).toBe(/dynamically linked/.test(out));
        if (elf.interpreter) expect(out).toContain(`interpreter ${elf.interpreter}`);
      }
    }
  });

  it('reads the small ELF files the fixtures make', () => {
    expect(readElf('/nonexistent')).toBeUndefined();
    expect(parseShebang(Buffer.from('#!/usr/bin/env python3 -u\nprint()\n'))).toEqual({
      interpreter: '/usr/bin/env',
      args: ['python3', '-u'],
    });
    expect(parseShebang(Buffer.from('echo hi\n'))).toBeUndefined();
    expect(fakeElf().subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  });
});
