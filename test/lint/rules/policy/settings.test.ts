// The policy rules judge a service with the drop-in composable adds. That drop-in must be the
// one the generator writes at boot, byte for byte: the linter once assumed RootDirectory=/opt/composable
// for chroot packages while the generator chroots into the package's stable path.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGeneratorInput } from '../../../../generator/input/read-input.ts';
import { planGeneration } from '../../../../generator/plan/plan-generation.ts';
import { readPackage } from '../../../../lint/inputs/package.ts';
import { composableDropIn, effectiveService } from '../../../../lint/rules/policy/settings.ts';
import type { UnitContext } from '../../../../lint/types.ts';
import { DROP_IN_NAME, METADATA_PATH, stablePath } from '../../../../sdk/contract.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const NAMES = ['logship', 'health', 'cleanup', 'heartbeat'];
const work = mkdtempSync(join(tmpdir(), 'composable-lint-settings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The generator's output for the examples, from metadata that only names them. */
function generated(): Map<string, string> {
  const root = join(work, 'root');
  const store = join(root, 'run/composable/store');
  mkdirSync(store, { recursive: true });
  for (const name of NAMES) cpSync(join(EXAMPLES, name), join(store, name), { recursive: true, verbatimSymlinks: true });
  const services = NAMES.map((name) => ({ name, source: `/run/composable/store/${name}` }));
  writeFileSync(join(root, METADATA_PATH), JSON.stringify({ schemaVersion: 1, services }));
  const plan = planGeneration(readGeneratorInput(root));
  expect(plan.status.services.map((s) => [s.name, s.state])).toEqual(NAMES.map((n) => [n, 'enabled']));
  return new Map(plan.files.flatMap((f) => (f.kind === 'file' ? [[f.path, f.content] as const] : [])));
}

describe('the linter predicts the drop-in the generator writes', () => {
  const files = generated();

  it.each(NAMES)('%s: every unit, byte for byte', (name) => {
    const pkg = readPackage(join(EXAMPLES, name), name);
    const units = pkg.units.filter((u) => u.dropIn === undefined);
    expect(units.length).toBeGreaterThan(0);
    for (const unit of units) {
      const expected = files.get(`${unit.name}.d/${DROP_IN_NAME}`);
      expect(expected, `${unit.name}: the generator wrote no drop-in`).toBeDefined();
      expect(composableDropIn(pkg, unit)?.content, unit.name).toBe(expected);
    }
  });

  it('a chroot package is judged with RootDirectory= at its stable path, as it boots', () => {
    const pkg = readPackage(join(EXAMPLES, 'heartbeat'), 'heartbeat');
    expect(pkg.manifest?.mode).toBe('chroot');
    const unit = pkg.units.find((u) => u.name === 'heartbeat.service')!;
    const ctx = { pkg, unit } as UnitContext;
    const { settings, profile } = effectiveService(ctx);
    expect(settings.get('RootDirectory')).toBe(stablePath('heartbeat'));
    expect(files.get(`heartbeat.service.d/${DROP_IN_NAME}`)).toContain(`RootDirectory=${stablePath('heartbeat')}\n`);
    expect(profile).toBe(pkg.manifest?.profile);
  });
});
