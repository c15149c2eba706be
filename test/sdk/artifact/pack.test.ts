// composable pack and inspect on the bundle, checked with the system's tar and the reader.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDigest } from '../../../sdk/digest.ts';
import { SquashfsImage } from '../../../sdk/artifact/squashfs.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const CLI = join(import.meta.dirname, '../../../dist/composable.mjs');
const EXAMPLE = join(import.meta.dirname, '../../../examples/logship');
const work = mkdtempSync(join(tmpdir(), 'composable-pack-'));
const run = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [CLI, ...args], { reject: false, cwd: work, env: { NO_COLOR: '1', ...env }, timeout: 60_000 });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyExample(name: string): string {
  const dir = join(work, name);
  // The package alone: the example's README.md lies beside it and pack leaves it out
  // (test/sdk/artifact/pack-selection.test.ts), so the directory's digest is the artifact's.
  cpSync(join(EXAMPLE, 'usr'), join(dir, 'usr'), { recursive: true });
  symlinkSync('logship', join(dir, 'usr/bin/logship-alias'));
  return dir;
}

describe('composable pack', () => {
  it('-o DIR and -o DIR/ write the artifact into the directory under its default name', async () => {
    const dir = copyExample('into');
    const existing = join(work, 'artifacts');
    mkdirSync(existing);
    const a = await run(['pack', dir, '-o', existing]);
    expect(a.exitCode, a.stderr).toBe(0);
    const fresh = join(work, 'fresh');
    const b = await run(['pack', dir, '-o', `${fresh}/`]);
    expect(b.exitCode, b.stderr).toBe(0);
    for (const d of [existing, fresh]) {
      const names = readdirSync(d);
      expect(
        names.some((n) => n.endsWith('.tar.gz')),
        d,
      ).toBe(true);
      expect(
        names.some((n) => n.endsWith('.tar.gz.sha256')),
        d,
      ).toBe(true);
    }
  });

  it('writes the same tar.gz bytes for the same tree, whatever the mtimes, with a sha256 file', async () => {
    const dir = copyExample('repro');
    const a = await run(['pack', dir, '-o', join(work, 'a.tar.gz')]);
    expect(a.exitCode, a.stderr).toBe(0);
    utimesSync(join(dir, 'usr/bin/logship'), new Date(), new Date(2001, 1, 1));
    const b = await run(['pack', dir, '-o', join(work, 'b.tar.gz')]);
    expect(b.exitCode).toBe(0);
    expect(readFileSync(join(work, 'a.tar.gz')).equals(readFileSync(join(work, 'b.tar.gz')))).toBe(true);
    const check = await execa('sha256sum', ['-c', 'a.tar.gz.sha256'], { cwd: work, reject: false });
    expect(check.stdout).toBe('a.tar.gz: OK');
  });

  it('keeps modes and symlinks, with root owners and a fixed mtime, and unpacks to the same digest', async () => {
    const dir = copyExample('modes');
    expect((await run(['pack', dir, '--format', 'tar', '-o', join(work, 'm.tar')])).exitCode).toBe(0);
    const list = (await execa('tar', ['-tvf', join(work, 'm.tar')])).stdout;
    expect(list).toMatch(/^-rwxr-xr-x root\/root +\d+ 1970-01-01 00:00 usr\/bin\/logship$/m);
    expect(list).toMatch(/^lrwxrwxrwx root\/root +0 1970-01-01 00:00 usr\/bin\/logship-alias -> logship$/m);
    expect(list).toMatch(/^-rw-r--r-- root\/root +\d+ 1970-01-01 00:00 usr\/lib\/os-release$/m);
    const out = join(work, 'unpacked');
    await execa('mkdir', ['-p', out]);
    await execa('tar', ['-xpf', join(work, 'm.tar'), '-C', out]);
    expect(packageDigest(out)).toBe(packageDigest(dir));
  });

  it('honours SOURCE_DATE_EPOCH and long paths (pax)', async () => {
    const dir = copyExample('long');
    const deep = `usr/share/${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(120)}.txt`;
    await execa('mkdir', ['-p', join(dir, deep, '..')]);
    writeFileSync(join(dir, deep), 'deep\n');
    expect((await run(['pack', dir, '--format', 'tar', '-o', join(work, 'l.tar')], { SOURCE_DATE_EPOCH: '1700000000' })).exitCode).toBe(0);
    const list = (await execa('tar', ['-tvf', join(work, 'l.tar')], { env: { TZ: 'UTC' } })).stdout;
    expect(list).toContain(`2023-11-14 22:13 ${deep}`);
  });

  it('refuses a package with lint errors and writes nothing', async () => {
    const dir = copyExample('broken');
    writeFileSync(join(dir, 'usr/lib/systemd/system/logship.service'), '[Service]\nExecStrat=/usr/bin/logship\n');
    const r = await run(['pack', dir, '-o', join(work, 'broken.tar.gz')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unit/unknown-directive');
    expect(r.stderr).toContain('not packed');
    expect(existsSync(join(work, 'broken.tar.gz'))).toBe(false);
  });
});

const noSquash = missingRequirements([requirement.mksquashfs], 'squashfs packing tests');
describe.skipIf(noSquash.length > 0)('composable pack --format squashfs', () => {
  it("is reproducible and readable by the generator's reader", async () => {
    const dir = copyExample('sq');
    expect((await run(['pack', dir, '--format', 'squashfs', '-o', join(work, 'a.squashfs')])).exitCode).toBe(0);
    utimesSync(join(dir, 'usr/lib/os-release'), new Date(), new Date(2005, 1, 1));
    expect((await run(['pack', dir, '--format', 'squashfs', '-o', join(work, 'b.squashfs')])).exitCode).toBe(0);
    expect(readFileSync(join(work, 'a.squashfs')).equals(readFileSync(join(work, 'b.squashfs')))).toBe(true);
    const img = SquashfsImage.open(join(work, 'a.squashfs'));
    try {
      expect(img.readFile('usr/lib/os-release')!.toString()).toContain('ID=logship');
    } finally {
      img.close();
    }
  });
});

describe('composable inspect', () => {
  it('describes a directory and its artifacts alike, with binaries and the same digest', async () => {
    const dir = copyExample('insp');
    copyFileSync('/usr/bin/env', join(dir, 'usr/bin/dyn'));
    chmodSync(join(dir, 'usr/bin/dyn'), 0o755);
    expect((await run(['pack', dir, '-o', join(work, 'insp.tar.gz')])).exitCode).toBe(0);
    const fromDir = JSON.parse((await run(['inspect', '--json', dir])).stdout);
    const fromTar = JSON.parse((await run(['inspect', '--json', join(work, 'insp.tar.gz')])).stdout);
    expect(fromTar.digest).toBe(fromDir.digest);
    expect(fromTar.artifactSha256).toMatch(/^sha256:/);
    expect(fromDir).toMatchObject({
      name: 'logship',
      version: '1.4.2',
      target: 'composable-early.target',
      mode: 'host',
      profile: 'default',
    });
    expect(fromDir.units).toEqual([{ name: 'logship.service', installs: ['multi-user.target'], enabledIn: 'composable-early.target' }]);
    expect(fromDir.binaries).toContainEqual({ path: '/usr/bin/logship', kind: 'script (/usr/bin/env node)' });
    expect(fromDir.binaries.find((b: { path: string }) => b.path === '/usr/bin/dyn').kind).toMatch(/^ELF 64-bit .*, dynamic \(/);
    const human = (await run(['inspect', dir])).stdout;
    expect(human).toContain('logship.service                  enabled in composable-early.target (from multi-user.target)');
  });
});
