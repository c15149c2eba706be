import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPackage } from '../../sdk/package.ts';
import { packageDigest } from '../../sdk/digest.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'composable-pkg-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string, mode = 0o644): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
  chmodSync(join(dir, rel), mode);
}

describe('loadPackage', () => {
  it('returns the manifest, parsed units with their drop-ins, and the file list', () => {
    write(
      'usr/lib/os-release',
      'NAME="Log shipper"\nID=logship\nVERSION_ID=1.4.2\nPORTABLE_PREFIXES="logship ls"\nCOMPOSABLE_TARGET=early\nCOMPOSABLE_MODE=chroot\n',
    );
    write('usr/lib/systemd/system/logship.service', '[Service]\nExecStart=/usr/bin/logship\n');
    write('usr/lib/systemd/system/ls-rotate.timer', '[Timer]\nOnCalendar=hourly\n');
    write('usr/lib/systemd/system/logship.service.d/10-x.conf', '[Service]\nNice=5\n');
    write('usr/bin/logship', '#!/bin/sh\n', 0o755);
    const { package: pkg, problems } = loadPackage(dir, { listFiles: true });
    expect(problems).toEqual([]);
    expect(pkg!.manifest).toEqual({
      name: 'logship',
      version: '1.4.2',
      prefixes: ['logship', 'ls'],
      target: 'early',
      mode: 'chroot',
      profile: 'default',
    });
    expect(pkg!.units.map((u) => u.name)).toEqual(['logship.service', 'ls-rotate.timer']);
    expect(pkg!.units[0]!.dropIns.map((d) => d.relPath)).toEqual(['usr/lib/systemd/system/logship.service.d/10-x.conf']);
    expect(pkg!.files!.find((f) => f.relPath === 'usr/bin/logship')).toMatchObject({ type: 'file', mode: 0o755 });
  });

  it('explains a missing os-release and what to do', () => {
    expect(loadPackage(dir).problems).toEqual([
      { code: 'os-release-missing', file: 'usr/lib/os-release', message: expect.stringMatching(/needs one with NAME, ID and VERSION_ID/) },
    ]);
    expect(loadPackage(join(dir, 'nope')).problems[0]!.code).toBe('source-missing');
  });

  it('reports os-release and unit problems with file and line, and gives no package', () => {
    write('usr/lib/os-release', 'NAME=x\nID=Bad Name\nVERSION_ID=1\nCOMPOSABLE_MODE=jail\n');
    write('usr/lib/systemd/system/x.service', '[Service]\nnot an assignment\n');
    const r = loadPackage(dir);
    expect(r.package).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['os-release-invalid', 'usr/lib/os-release', 2],
      ['os-release-invalid', 'usr/lib/os-release', 4],
      ['unit-parse-error', 'usr/lib/systemd/system/x.service', 2],
    ]);
  });

  it('enforces the portable prefix rule and the reserved drop-in name', () => {
    write('usr/lib/os-release', 'NAME=x\nID=web\nVERSION_ID=1\n');
    write('usr/lib/systemd/system/other.service', '[Service]\nExecStart=/bin/true\n');
    write('usr/lib/systemd/system/web.mount', '[Mount]\nWhat=/a\nWhere=/b\n');
    write('usr/lib/systemd/system/web.service', '[Service]\nExecStart=/bin/true\n');
    write('usr/lib/systemd/system/web.service.d/zz-composable.conf', '[Service]\n');
    symlinkSync('/nowhere', join(dir, 'usr/lib/systemd/system/web-dangling.service'));
    const codes = loadPackage(dir).problems.map((p) => `${p.code} ${p.file}`);
    expect(codes).toEqual([
      'symlink-outside usr/lib/systemd/system/web-dangling.service',
      'unit-prefix usr/lib/systemd/system/other.service',
      'unit-prefix usr/lib/systemd/system/web.mount',
      'dropin-reserved usr/lib/systemd/system/web.service.d/zz-composable.conf',
    ]);
  });
});

describe('packageDigest', () => {
  it('changes with content, mode and names, not with mtimes', () => {
    write('usr/lib/os-release', 'ID=x\n');
    write('usr/bin/x', '#!/bin/sh\n', 0o755);
    const a = packageDigest(dir);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'usr/bin/x'), '#!/bin/sh\n');
    expect(packageDigest(dir)).toBe(a);
    chmodSync(join(dir, 'usr/bin/x'), 0o700);
    const b = packageDigest(dir);
    expect(b).not.toBe(a);
    writeFileSync(join(dir, 'usr/bin/x'), '#!/bin/sh\necho\n');
    expect(packageDigest(dir)).not.toBe(b);
  });
});
