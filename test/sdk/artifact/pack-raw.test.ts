// composable pack --format raw: the squashfs image under portablectl's naming, NAME_VERSION.raw.
// (test/e2e/portablectl.test.ts attaches such images with the real portablectl.)
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultArtifactName } from '../../../sdk/artifact/pack.ts';
import { SquashfsImage } from '../../../sdk/artifact/squashfs.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const CLI = join(import.meta.dirname, '../../../dist/composable.mjs');
const EXAMPLE = join(import.meta.dirname, '../../../examples/logship');
const work = mkdtempSync(join(tmpdir(), 'composable-pack-raw-'));
const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false, cwd: work, env: { NO_COLOR: '1' }, timeout: 60_000 });
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('raw artifact name', () => {
  it('is NAME_VERSION.raw, the name portablectl derives the unit prefix NAME from; other formats keep NAME-VERSION', () => {
    expect(defaultArtifactName('logship', '1.4.2', 'raw')).toBe('logship_1.4.2.raw');
    expect(defaultArtifactName('logship', '1.4.2', 'squashfs')).toBe('logship-1.4.2.squashfs');
    expect(defaultArtifactName('logship', '1.4.2', 'tar.gz')).toBe('logship-1.4.2.tar.gz');
  });
});

const missing = missingRequirements([requirement.mksquashfs], 'raw packing tests');
describe.skipIf(missing.length > 0)('composable pack --format raw', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
  });

  it('writes NAME_VERSION.raw in the current directory: the same squashfs bytes as --format squashfs, with its sha256', async () => {
    const dir = join(work, 'logship');
    cpSync(EXAMPLE, dir, { recursive: true });
    const r = await run(['pack', dir, '--format', 'raw']);
    expect(r.exitCode, r.stderr).toBe(0);
    const raw = join(work, 'logship_1.4.2.raw');
    expect(r.stdout).toContain(raw);
    expect(readFileSync(raw).subarray(0, 4).toString('latin1')).toBe('hsqs');
    expect(readFileSync(`${raw}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}logship_1\.4\.2\.raw\n$/);
    expect((await run(['pack', dir, '--format', 'squashfs'])).exitCode).toBe(0);
    expect(readFileSync(join(work, 'logship-1.4.2.squashfs')).equals(readFileSync(raw))).toBe(true);
    const image = SquashfsImage.open(raw);
    try {
      expect(image.readFile('usr/lib/os-release')?.toString('utf8')).toContain('ID=logship');
    } finally {
      image.close();
    }
  });
});
