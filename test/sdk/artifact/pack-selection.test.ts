// What `composable pack` ships from a package directory (sdk/artifact/pack-selection.ts): the
// package trees and what the config includes; never VCS, editor files or node_modules unless
// included; secret-looking files refused unless declared.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packPackage } from '../../../sdk/artifact/pack.ts';
import { compileGlob, PackConfigError, selectPackage, type PackConfig } from '../../../sdk/artifact/pack-selection.ts';
import { packageDigest, walkTree } from '../../../sdk/digest.ts';
import { PackageReadError } from '../../../sdk/fs/safe-read.ts';

const EXAMPLE = join(import.meta.dirname, '../../../examples/logship');
const work = mkdtempSync(join(tmpdir(), 'composable-pack-select-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** The logship package inside a repository checkout: VCS, dependencies, README, tests, editor droppings. */
function repoLike(files: Record<string, string> = {}): string {
  const dir = join(work, `repo-${counter++}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  const put = (rel: string, content: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  };
  put('.git/HEAD', 'ref: refs/heads/main\n');
  put('.git/objects/ab/cdef', 'blob');
  put('node_modules/left-pad/index.js', 'module.exports = 1;\n');
  put('tests/logship.test.ts', 'test\n');
  put('usr/bin/.logship.swp', 'swap');
  put('usr/bin/logship~', 'backup');
  put('usr/.DS_Store', 'mac');
  put('.vscode/settings.json', '{}');
  put('proc/.gitkeep', '');
  for (const [rel, content] of Object.entries(files)) put(rel, content);
  return dir;
}

const paths = (dir: string, config: PackConfig = {}) => selectPackage(dir, config).entries.map((e) => e.relPath);

describe('compileGlob', () => {
  it('matches a name at any depth without a /, the path from the root with one, and everything below what it names', () => {
    const md = compileGlob('*.md');
    expect(['README.md', 'usr/share/doc/x.md'].map(md.covers)).toEqual([true, true]);
    expect(md.covers('usr/share/doc/x.mdx')).toBe(false);
    const docs = compileGlob('docs/*.md');
    expect(['docs/a.md', 'x/docs/a.md', 'docs/sub/a.md'].map(docs.covers)).toEqual([true, false, false]);
    expect(compileGlob('opt').covers('opt/x/y')).toBe(true);
    expect(compileGlob('opt/').covers('opt/x')).toBe(true);
    expect(compileGlob('usr/**/*.map').covers('usr/lib/a/b/c.map')).toBe(true);
    expect(compileGlob('usr/**/*.map').covers('usr/c.map')).toBe(true);
    expect(compileGlob('**/fixtures').covers('usr/lib/x/fixtures/a')).toBe(true);
    expect(compileGlob('usr/share/{doc,man}').covers('usr/share/man/man1/x.1')).toBe(true);
    expect(compileGlob('usr/share/{doc,man}').covers('usr/share/info/x')).toBe(false);
    expect(compileGlob('file?.[ab]').covers('file1.b')).toBe(true);
    expect(compileGlob('a.b').covers('axb')).toBe(false);
  });

  it('refuses absolute patterns and ..', () => {
    expect(() => compileGlob('/etc/passwd')).toThrow(PackConfigError);
    expect(() => compileGlob('../secrets')).toThrow(/relative to the package directory/);
    expect(() => compileGlob('usr/../../x')).toThrow(PackConfigError);
  });
});

describe('selectPackage', () => {
  it('ships the package trees only: not .git, node_modules, README, tests or editor files, each left out with its reason', () => {
    const dir = repoLike();
    const sel = selectPackage(dir);
    expect(sel.secrets).toEqual([]);
    expect(sel.entries.map((e) => e.relPath)).toEqual([
      'proc',
      'usr',
      'usr/bin',
      'usr/bin/logship',
      'usr/lib',
      'usr/lib/os-release',
      'usr/lib/systemd',
      'usr/lib/systemd/system',
      'usr/lib/systemd/system/logship.service',
    ]);
    const why = Object.fromEntries(sel.leftOut.map((l) => [l.relPath, l.reason]));
    expect(why).toEqual({
      '.git': 'vcs',
      '.vscode': 'editor',
      'README.md': 'outside',
      node_modules: 'dependencies',
      'proc/.gitkeep': 'vcs',
      tests: 'outside',
      'usr/.DS_Store': 'editor',
      'usr/bin/.logship.swp': 'editor',
      'usr/bin/logship~': 'editor',
    });
    // A left-out directory that was read is listed once, with what is below it.
    expect(sel.leftOut.find((l) => l.relPath === 'tests')).toMatchObject({ type: 'dir', entries: 1, bytes: 5 });
    expect(sel.leftOut.find((l) => l.relPath === 'README.md')!.detail).toContain('pack.include');
  });

  it('does not read .git or node_modules at all: their entries do not count against the package limits', () => {
    const dir = repoLike();
    for (let i = 0; i < 60; i++) writeFileSync(join(dir, 'node_modules', `m${i}.js`), '');
    expect(() => walkTree(dir, { entries: 50 })).toThrow(PackageReadError);
    expect(selectPackage(dir, {}, { entries: 50 }).entries.length).toBe(9);
  });

  it('keeps the chroot trees (etc, var, lib64, mount points) and symlinks as they are', () => {
    const dir = repoLike({ 'etc/machine-id': '', 'var/lib/logship/.keep': '', 'lib64/ld-linux-x86-64.so.2': 'elf', 'opt/x': 'x' });
    symlinkSync('usr/bin', join(dir, 'bin'));
    const got = paths(dir);
    expect(got).toEqual(expect.arrayContaining(['bin', 'etc/machine-id', 'var/lib/logship/.keep', 'lib64/ld-linux-x86-64.so.2']));
    expect(got).not.toContain('opt');
    expect(selectPackage(dir).entries.find((e) => e.relPath === 'bin')).toMatchObject({ type: 'symlink', linkTarget: 'usr/bin' });
  });

  it('pack.include ships more (with the directories above it), pack.exclude ships less, even inside usr/', () => {
    const dir = repoLike({ 'opt/logship/plugins/a.js': 'a', LICENSE: 'Apache', 'usr/share/doc/logship/big.html': 'doc' });
    const got = paths(dir, { include: ['opt/logship/plugins', 'LICENSE'], exclude: ['usr/share/doc'] });
    expect(got).toEqual(expect.arrayContaining(['LICENSE', 'opt', 'opt/logship', 'opt/logship/plugins', 'opt/logship/plugins/a.js']));
    expect(got.filter((p) => p.startsWith('usr/share/doc'))).toEqual([]);
    expect(got).toContain('usr/share');
    const sel = selectPackage(dir, { exclude: ['usr/share/doc'] });
    expect(sel.leftOut.find((l) => l.relPath === 'usr/share/doc')).toMatchObject({
      reason: 'excluded',
      detail: 'pack.exclude "usr/share/doc"',
    });
  });

  it('ships node_modules only when pack.include names it, never .git even if included', () => {
    const dir = repoLike({ 'usr/lib/logship/node_modules/dep/index.js': 'x', 'usr/lib/logship/main.js': 'm' });
    expect(paths(dir).filter((p) => p.includes('node_modules'))).toEqual([]);
    const got = paths(dir, { include: ['usr/lib/logship/node_modules', '.git'] });
    expect(got).toEqual(expect.arrayContaining(['usr/lib/logship/node_modules/dep/index.js']));
    expect(got.filter((p) => p.startsWith('node_modules') || p.startsWith('.git'))).toEqual([]);
  });
});

describe('secret-looking files', () => {
  it('refuses .env and .env.* by name, beside the package as inside it', () => {
    const dir = repoLike({ '.env': 'TOKEN=x\n', 'usr/lib/logship/.env.production': 'PASSWORD=y\n' });
    const { secrets } = selectPackage(dir);
    expect(secrets.map((s) => [s.relPath, s.kind])).toEqual([
      ['.env', 'env-file'],
      ['usr/lib/logship/.env.production', 'env-file'],
    ]);
    expect(secrets[0]!.looksLike).toContain('environment file (.env)');
  });

  it('refuses private keys by name and by content, wherever the header falls in the file', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n';
    const dir = repoLike({
      'usr/share/logship/id_ed25519': 'k',
      'usr/share/logship/server.key': 'k',
      'usr/share/logship/blob.bin': `${'x'.repeat(1024 * 1024 - 12)}${key}`,
      'usr/share/logship/rsa.txt': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n',
      'usr/share/logship/id_ed25519.pub': 'ssh-ed25519 AAAA',
      'usr/share/logship/notes.txt': 'no key here: -----BEGIN PUBLIC KEY-----\n',
    });
    const got = Object.fromEntries(selectPackage(dir).secrets.map((s) => [s.relPath, s.kind]));
    expect(got).toEqual({
      'usr/share/logship/blob.bin': 'private-key',
      'usr/share/logship/id_ed25519': 'private-key-name',
      'usr/share/logship/rsa.txt': 'private-key',
      'usr/share/logship/server.key': 'private-key-name',
    });
  });

  it('refuses *.pem unless pack.allowSecrets declares it; a declared file ships', () => {
    const dir = repoLike({ 'etc/ssl/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
    expect(selectPackage(dir).secrets).toEqual([
      { relPath: 'etc/ssl/ca.pem', kind: 'pem', looksLike: 'a PEM file (a certificate or a key)' },
    ]);
    const sel = selectPackage(dir, { allowSecrets: ['etc/ssl/*.pem'] });
    expect(sel.secrets).toEqual([]);
    expect(sel.entries.map((e) => e.relPath)).toContain('etc/ssl/ca.pem');
  });

  it('does not look into what pack.exclude names, nor into left-out node_modules', () => {
    const dir = repoLike({ '.env': 'A=1\n', 'node_modules/tls/test/key.pem': 'k', 'tests/fixtures/id_rsa': 'k' });
    expect(selectPackage(dir, { exclude: ['.env', 'tests/fixtures'] }).secrets).toEqual([]);
  });
});

describe('packPackage with a selection', () => {
  it('writes only the selected entries, and its digest is that of the package alone', async () => {
    const dir = repoLike();
    const sel = selectPackage(dir);
    const out = join(work, `sel-${counter++}.tar`);
    const r = await packPackage(dir, out, 'tar', { entries: sel.entries });
    const listed = (await execa('tar', ['-tf', out])).stdout.split('\n');
    expect(listed).toEqual(sel.entries.map((e) => (e.type === 'dir' ? `${e.relPath}/` : e.relPath)));
    const alone = join(work, `alone-${counter++}`);
    mkdirSync(alone);
    await execa('tar', ['-xf', out, '-C', alone]);
    expect(r.treeDigest).toBe(packageDigest(alone));
    expect(r.entries).toBe(sel.entries.length);
  });
});
