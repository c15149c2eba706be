// The linter reads packages through the SDK's package model (readPackageContents), so the units
// and drop-ins it checks are the ones loadPackage hands the generator; it adds only what the
// generator ignores (drop-ins of units the package lacks) and keeps linting a package that
// loadPackage refuses.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackage } from '../../../lint/inputs/package.ts';
import { loadPackage } from '../../../sdk/package.ts';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const work = mkdtempSync(join(tmpdir(), 'composable-lint-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('lint reads the package model the generator loads', () => {
  it.each(['logship', 'health', 'cleanup', 'heartbeat'])('%s: the same units and drop-ins', (name) => {
    const dir = join(EXAMPLES, name);
    const model = loadPackage(dir).package!;
    const lint = readPackage(dir, name);
    const fromModel = model.units.flatMap((u) => [u.relPath, ...u.dropIns.map((d) => d.relPath)]).sort();
    expect(lint.units.map((u) => u.relPath).sort()).toEqual(fromModel);
    expect(lint.manifest).toEqual(model.manifest);
  });

  it('a package loadPackage refuses is still linted whole, stray drop-ins included', () => {
    const dir = join(work, 'broken');
    cpSync(join(EXAMPLES, 'health'), dir, { recursive: true });
    rmSync(join(dir, 'usr/lib/os-release'));
    mkdirSync(join(dir, 'usr/lib/systemd/system/app.service.d'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/systemd/system/app.service.d/10-x.conf'), '[Service]\nEnvironment=A=1\n');
    expect(loadPackage(dir).package).toBeUndefined();
    const lint = readPackage(dir, 'broken');
    expect(lint.units.map((u) => u.relPath)).toContain('usr/lib/systemd/system/health.service');
    expect(lint.units.find((u) => u.dropIn === '10-x.conf')).toMatchObject({ name: 'app.service' });
  });
});
