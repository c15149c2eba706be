// The portable/* rules on the real examples: everything issue 14 found broken under portablectl is
// flagged, and a completed chroot package is clean.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../../../lint/engine.ts';
import { completeChrootPackage } from '../../../../cli/commands/init.ts';
import { readElf } from '../../../../sdk/artifact/elf.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const work = mkdtempSync(join(tmpdir(), 'composable-lint-portable-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function portableFindings(path: string, portable: boolean): Promise<string[]> {
  const r = await lint([path], { cwd: work, config: portable ? { policy: { portable: true } } : {} });
  return r.diagnostics
    .filter((d) => d.ruleId.startsWith('portable/') || d.ruleId === 'package/name-mismatch')
    .map((d) => `${d.ruleId} ${d.message}`);
}

describe('portable readiness of the examples', () => {
  it('host-mode examples are not checked unless the config says portable, and then every gap is named', async () => {
    for (const name of ['logship', 'health', 'cleanup']) expect(await portableFindings(join(EXAMPLES, name), false), name).toEqual([]);
    const health = await portableFindings(join(EXAMPLES, 'health'), true);
    expect(health).toContain(
      "portable/mount-points The image has no dev, which systemd mounts /dev onto when the service runs in the package's root",
    );
    expect(health).toContain(
      'portable/interpreter ExecStart= runs usr/bin/health, a script for /usr/bin/env, which the image does not have',
    );
    expect(health).toContain(
      'portable/node-mdwe ExecStart= runs usr/bin/health, a node program; under portablectl the package ' +
        'gets --profile=default, which sets MemoryDenyWriteExecute=yes and kills node at start',
    );
    const cleanup = await portableFindings(join(EXAMPLES, 'cleanup'), true);
    expect(cleanup).toContain('portable/interpreter ExecStart= runs usr/bin/cleanup, a script for /bin/sh, which the image does not have');
  });

  it('the chroot example as checked in lacks its mount points; completed, it is clean and named as portablectl wants', async () => {
    const raw = await portableFindings(join(EXAMPLES, 'heartbeat'), false);
    expect(raw).toContain(
      'portable/state-directory StateDirectory=heartbeat is mounted at /var/lib/heartbeat, which the image does not have',
    );
    expect(raw.filter((f) => f.startsWith('portable/mount-points'))).toHaveLength(6);
    const bb = readElf('/bin/busybox');
    if (!bb || bb.interpreter) return; // completing needs busybox-static (test/cli/commands/init-chroot.test.ts says so)
    const dir = join(work, 'heartbeat');
    cpSync(join(EXAMPLES, 'heartbeat'), dir, { recursive: true });
    completeChrootPackage(dir);
    const all = await lint([dir], { cwd: work, config: {} });
    expect(all.diagnostics.map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`)).toEqual([]);
    const versioned = join(work, 'heartbeat-1.0.0');
    cpSync(dir, versioned, { recursive: true, verbatimSymlinks: true });
    expect(await portableFindings(versioned, false)).toEqual([
      'package/name-mismatch Package is named "heartbeat-1.0.0", from which portablectl derives the unit prefix "heartbeat-1.0.0", not ID=heartbeat',
    ]);
  });
});
