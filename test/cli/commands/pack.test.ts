// composable pack on a package kept in its repository: it ships the package and nothing else,
// refuses secret-looking files (exit 2, nothing written), --list / --dry-run / --json show the
// selection and write nothing, and the lint config's `pack` section is honoured.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageDigest } from '../../../sdk/digest.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const REPO = join(import.meta.dirname, '../../..');
const EXAMPLE = join(REPO, 'examples/logship');
const work = mkdtempSync(join(tmpdir(), 'composable-cli-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[], cwd: string) =>
  execa(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'cli/main.ts'), ...args], {
    reject: false,
    cwd,
    timeout: 60_000,
    env: { NO_COLOR: '1' },
  });

let counter = 0;
/** A project checkout: the logship package with .git/, .env, node_modules/, a README and tests. */
function project(): { root: string; pkg: string; out: string } {
  const root = join(work, `project-${counter++}`);
  const pkg = join(root, 'logship');
  cpSync(EXAMPLE, pkg, { recursive: true });
  const put = (rel: string, content: string) => {
    mkdirSync(dirname(join(pkg, rel)), { recursive: true });
    writeFileSync(join(pkg, rel), content);
  };
  put('.git/HEAD', 'ref: refs/heads/main\n');
  put('.git/config', '[core]\n');
  put('.env', 'API_TOKEN=s3cr3t\n');
  put('node_modules/left-pad/index.js', 'module.exports = 1;\n');
  put('tests/logship.test.ts', "it('ships', () => {});\n");
  const out = join(root, 'out');
  mkdirSync(out);
  return { root, pkg, out };
}

/** The package alone, as a team would lay it out with nothing else beside it. */
function packageAlone(): string {
  const dir = join(work, `alone-${counter++}`);
  cpSync(join(EXAMPLE, 'usr'), join(dir, 'usr'), { recursive: true });
  return dir;
}

describe('composable pack of a package kept in its repository', () => {
  it('refuses .env by name with exit 2 and writes nothing; without it, the artifact holds only the package', async () => {
    const { root, pkg, out } = project();
    const refused = await cli(['pack', pkg, '-o', `${out}/`], root);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${join(pkg, '.env')}: an environment file (.env)`);
    expect(refused.stderr).toContain('"exclude": [".env"]');
    expect(refused.stderr).toContain('nothing was written');
    expect(refused.stderr).not.toContain('s3cr3t');
    expect(readdirSync(out)).toEqual([]);

    rmSync(join(pkg, '.env'));
    const r = await cli(['pack', pkg, '-o', `${out}/`], root);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('left out 4 path(s) that are not the package: .git/, README.md, node_modules/, tests/');
    const listing = (await execa('tar', ['-tzf', join(out, 'logship-1.4.2.tar.gz')])).stdout.split('\n');
    expect(listing).toEqual([
      'usr/',
      'usr/bin/',
      'usr/bin/logship',
      'usr/lib/',
      'usr/lib/os-release',
      'usr/lib/systemd/',
      'usr/lib/systemd/system/',
      'usr/lib/systemd/system/logship.service',
    ]);
    // The same bytes as packing the package alone: what is beside it changes nothing.
    const alone = packageAlone();
    const a = await cli(['pack', alone, '-o', join(root, 'alone.tar.gz')], root);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(readFileSync(join(root, 'alone.tar.gz')).equals(readFileSync(join(out, 'logship-1.4.2.tar.gz')))).toBe(true);
    expect(r.stdout).toContain(`package ${packageDigest(alone)}`);
  });

  it('--list and --dry-run print what would be packed with sizes and what is left out and why, and write nothing', async () => {
    const { root, pkg } = project();
    rmSync(join(pkg, '.env'));
    const before = readdirSync(root);
    const list = await cli(['pack', pkg, '--list'], root);
    expect(list.exitCode, list.stderr).toBe(0);
    const size = readFileSync(join(pkg, 'usr/lib/os-release')).length;
    expect(list.stdout).toMatch(new RegExp(`^ +${size}  usr/lib/os-release$`, 'm'));
    expect(list.stdout).toMatch(/^ +- {2}usr\/bin\/$/m);
    expect(list.stdout).toMatch(/^ {2}\.git\/ +version control$/m);
    expect(list.stdout).toMatch(/^ {2}node_modules\/ +dependencies/m);
    expect(list.stdout).toMatch(/^ {2}README\.md +not in a package tree/m);
    expect(list.stdout).toMatch(/^ {2}tests\/ \(1 entries, \d+ bytes\) +not in a package tree/m);
    const dry = await cli(['pack', pkg, '--dry-run'], root);
    expect(dry.stdout).toBe(list.stdout);
    expect(readdirSync(root)).toEqual(before);
  });

  it('--list --json gives the same as JSON; --list with a secret lists it and exits 2', async () => {
    const { root, pkg } = project();
    const r = await cli(['pack', pkg, '--list', '--json'], root);
    expect(r.exitCode).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.packed.map((e: { path: string }) => e.path)).toContain('usr/bin/logship');
    expect(j.packed.find((e: { path: string }) => e.path === 'usr/bin/logship')).toMatchObject({ type: 'file', mode: '0755' });
    expect(j.leftOut.map((e: { path: string; reason: string }) => [e.path, e.reason])).toEqual([
      ['.env', 'outside'],
      ['.git', 'vcs'],
      ['README.md', 'outside'],
      ['node_modules', 'dependencies'],
      ['tests', 'outside'],
    ]);
    expect(j.refused).toEqual([{ path: '.env', kind: 'env-file', looksLike: expect.stringContaining('environment file') }]);
    const usage = await cli(['pack', pkg, '--json'], root);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('--json goes with --list');
  });

  it('honours composable-lint.json: pack.include, pack.exclude and pack.allowSecrets; a bad pattern is a usage error naming the file', async () => {
    const { root, pkg, out } = project();
    rmSync(join(pkg, '.env'));
    mkdirSync(join(pkg, 'usr/share/logship'), { recursive: true });
    writeFileSync(join(pkg, 'usr/share/logship/ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(pkg, 'LICENSE'), 'Apache-2.0\n');
    const refused = await cli(['pack', pkg, '--list'], root);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      `${join(pkg, 'usr/share/logship/ca.pem')}: a PEM file (a certificate or a key); if it is meant to ship, declare it with "pack": { "allowSecrets": ["usr/share/logship/ca.pem"] }`,
    );
    const config = { pack: { include: ['LICENSE'], exclude: ['usr/lib/systemd/system/*.service'], allowSecrets: ['*.pem'] } };
    writeFileSync(join(root, 'composable-lint.json'), JSON.stringify(config));
    const list = await cli(['pack', pkg, '--list', '--json'], root);
    expect(list.exitCode, list.stderr).toBe(0);
    const packed = JSON.parse(list.stdout).packed.map((e: { path: string }) => e.path);
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'usr/share/logship/ca.pem']));
    expect(packed).not.toContain('usr/lib/systemd/system/logship.service');
    // --no-config ignores it; -c names another file.
    expect((await cli(['pack', pkg, '--list', '--no-config'], root)).exitCode).toBe(2);
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ pack: { include: ['../outside'] } }));
    const bad = await cli(['pack', pkg, '-c', 'bad.json', '-o', `${out}/`], root);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('bad.json');
    expect(bad.stderr).toContain('pack.include');
    expect(readdirSync(out)).toEqual([]);
  });

  it('lints what it ships: a package whose os-release pack.exclude leaves out is not packed', async () => {
    const { root, pkg, out } = project();
    rmSync(join(pkg, '.env'));
    writeFileSync(join(root, 'composable-lint.json'), JSON.stringify({ pack: { exclude: ['usr/lib/os-release'] } }));
    const r = await cli(['pack', pkg, '-o', `${out}/`], root);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('usr/lib/os-release');
    expect(r.stderr).toContain('not packed');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a missing directory is a usage error naming it', async () => {
    const r = await cli(['pack', join(work, 'nope')], work);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`composable: cannot read ${join(work, 'nope')}: no such file or directory`);
  });
});

const noSquash = missingRequirements([requirement.mksquashfs], 'squashfs selection tests');
describe.skipIf(noSquash.length > 0)('composable pack --format squashfs of a package kept in its repository', () => {
  it('writes the same image bytes as for the package alone', async () => {
    const { root, pkg, out } = project();
    rmSync(join(pkg, '.env'));
    const r = await cli(['pack', pkg, '--format', 'squashfs', '-o', join(out, 'a.squashfs')], root);
    expect(r.exitCode, r.stderr).toBe(0);
    const alone = packageAlone();
    expect((await cli(['pack', alone, '--format', 'squashfs', '-o', join(out, 'b.squashfs')], root)).exitCode).toBe(0);
    expect(readFileSync(join(out, 'a.squashfs')).equals(readFileSync(join(out, 'b.squashfs')))).toBe(true);
    expect(existsSync(join(out, 'a.squashfs.sha256'))).toBe(true);
  });
});

describe('composable pack --format oci-archive of a package kept in its repository', () => {
  it("records the package alone's digest and leaves the rest out of the layer", async () => {
    const { root, pkg, out } = project();
    rmSync(join(pkg, '.env'));
    const r = await cli(['pack', pkg, '--format', 'oci-archive', '-o', join(out, 'img.oci.tar')], root);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`package  ${packageDigest(packageAlone())}`);
    const i = await cli(['inspect', '--json', join(out, 'img.oci.tar')], root);
    expect(JSON.parse(i.stdout).digest).toBe(packageDigest(packageAlone()));
  });
});
