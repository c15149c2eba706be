// composable lint of image files, recognised by their magic whatever their name: a squashfs (what
// `composable pack --format squashfs` writes, and `--format raw` under portablectl's name) is
// linted as the directory it was packed from, through the same bounded, symlink-safe unpacker
// as a tar; a raw ext4 or erofs image is an input error (exit 2) that names the file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../../lint/engine.ts';
import { classifyInput, LintInputError } from '../../../lint/inputs/index.ts';
import { MKSQUASHFS_FLAGS, packPackage } from '../../../sdk/artifact/pack.ts';
import { selectPackage } from '../../../sdk/artifact/pack-selection.ts';
import { hasCommand, missingRequirements, requirement } from '../../helpers/requirements.ts';

const REPO = join(import.meta.dirname, '../../..');
const EXAMPLES = join(REPO, 'examples');
const work = mkdtempSync(join(tmpdir(), 'composable-lint-images-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[], cwd: string) =>
  execa(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'cli/main.ts'), ...args], {
    reject: false,
    cwd,
    timeout: 60_000,
    env: { NO_COLOR: '1' },
  });

/** Each finding without the path prefix that differs between the directory and the image. */
function findings(r: LintResult, prefix: string): string[] {
  return r.diagnostics.map((d) => {
    expect(d.file.startsWith(prefix), `${d.file} starts with ${prefix}`).toBe(true);
    return `${d.file.slice(prefix.length)}:${d.line}:${d.column} ${d.severity} ${d.ruleId} ${d.message}`;
  });
}

async function lintError(path: string, cwd = work): Promise<Error | undefined> {
  return lint([path], { cwd }).then(
    () => undefined,
    (e: Error) => e,
  );
}

const noSquash = missingRequirements([requirement.mksquashfs], 'squashfs lint tests');

describe.skipIf(noSquash.length > 0)('lint of a squashfs package', () => {
  // `composable pack` refuses a package with lint errors, and heartbeat (a chroot-mode example)
  // has some: it is packed with the SDK's writer and the selection pack would ship.
  const packedByCli = ['cleanup', 'health', 'logship'];

  it.each(['cleanup', 'health', 'heartbeat', 'logship'])(
    '%s: packed as squashfs and raw, the findings are those of its directory',
    async (name) => {
      const dir = join(EXAMPLES, name);
      const out = join(work, `packed-${name}`);
      mkdirSync(out);
      // Named as the directory is, so the name rules see the same name (a .raw is stripped like a .tar).
      const images = { squashfs: join(out, `${name}.squashfs`), raw: join(out, `${name}.raw`) };
      for (const [format, path] of Object.entries(images)) {
        if (packedByCli.includes(name)) {
          const packed = await cli(['pack', dir, '--format', format, '-o', path], out);
          expect(packed.exitCode, packed.stderr).toBe(0);
        } else {
          await packPackage(dir, path, format as 'squashfs' | 'raw', { entries: selectPackage(dir).entries });
        }
        expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('hsqs');
      }
      const dirResult = await lint([`examples/${name}`], { cwd: REPO });
      const fromDir = findings(dirResult, `examples/${name}`);
      if (name === 'heartbeat') expect(fromDir.length).toBeGreaterThan(0);
      // The files read, too: the same text under the same package paths (README.md is not shipped).
      const read = (r: LintResult, prefix: string) =>
        [...r.sources].map(([file, text]) => [file.slice(prefix.length), text]).filter(([file]) => file !== '/README.md');
      for (const path of Object.values(images)) {
        expect(classifyInput(path).kind).toBe('artifact');
        const given = path.slice(work.length + 1);
        const imageResult = await lint([given], { cwd: work });
        expect(findings(imageResult, `${given}!`)).toEqual(fromDir);
        expect(read(imageResult, `${given}!`)).toEqual(read(dirResult, `examples/${name}`));
        expect(imageResult.sources.size).toBeGreaterThan(1);
      }
    },
    120_000,
  );

  it('is recognised by its magic, not its name, and keeps pack naming: NAME_VERSION.raw is the name portablectl wants', async () => {
    const src = join(work, 'named');
    mkdirSync(src);
    const raw = join(src, 'logship_1.4.2.raw');
    const packed = await cli(['pack', join(EXAMPLES, 'logship'), '--format', 'raw', '-o', `${src}/`], src);
    expect(packed.exitCode, packed.stderr).toBe(0);
    const blob = join(src, 'logship-image.bin');
    copyFileSync(raw, blob);
    for (const path of [raw, blob]) {
      const r = await lint([path], { cwd: src });
      expect(r.diagnostics.filter((d) => d.ruleId === 'package/name-mismatch').length).toBe(path === raw ? 0 : 1);
      expect(r.fileCount).toBeGreaterThan(1);
    }
    // And through the command line: a clean package, exit 0.
    const run = await cli(['lint', 'logship_1.4.2.raw'], src);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  /** A squashfs of `files` (uncompressed tables, so a test can rename a directory entry). */
  function squashfs(name: string, lay: (dir: string) => void): { path: string; image: Buffer } {
    const dir = join(work, `src-${name}`);
    mkdirSync(dir);
    lay(dir);
    const path = join(work, `${name}.squashfs`);
    execFileSync('mksquashfs', [dir, path, ...MKSQUASHFS_FLAGS, '-noI', '-noD'], { stdio: 'ignore' });
    return { path, image: readFileSync(path) };
  }

  function aPackage(dir: string): void {
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/os-release'), 'ID=demo\nVERSION_ID=1\n');
    writeFileSync(join(dir, 'usr/lib/systemd/system/demo.service'), '[Service]\nExecStart=/usr/bin/true\n');
  }

  /** The image with the directory entry `from` renamed `to` (same length) in its directory table. */
  function renameEntry(image: Buffer, from: string, to: string): Buffer {
    const out = Buffer.from(image);
    const start = Number(out.readBigUInt64LE(72));
    const end = Number(out.readBigUInt64LE(80));
    const at = out.subarray(start, end).indexOf(from, 0, 'latin1');
    expect(at, `${from} in the directory table`).toBeGreaterThanOrEqual(0);
    out.write(to, start + at, 'latin1');
    return out;
  }

  it('refuses members that escape as a tar would: an only member that is a symlink, "..", a name through a symlink', async () => {
    const hostDir = join(work, 'host-package');
    aPackage(hostDir);
    const onlyLink = squashfs('only-link', (d) => symlinkSync(hostDir, join(d, 'pkg')));
    let e = await lintError(onlyLink.path);
    expect(e).toBeInstanceOf(LintInputError);
    expect(e!.message).toMatch(/its only member, "pkg", is a symbolic link/);
    expect(e!.message).not.toContain('host-package');

    const dots = squashfs('dots', (d) => {
      aPackage(d);
      mkdirSync(join(d, 'qz'));
      writeFileSync(join(d, 'qz/passwd'), 'x\n');
    });
    writeFileSync(dots.path, renameEntry(dots.image, 'qz', '..'));
    e = await lintError(dots.path);
    expect(e).toBeInstanceOf(LintInputError);
    expect(e!.message).toMatch(/member "\.\." climbs out with \.\.; refusing to unpack it/);

    const through = squashfs('through', (d) => {
      aPackage(d);
      symlinkSync(hostDir, join(d, 'usr/l'));
      mkdirSync(join(d, 'usr/zqz'));
      writeFileSync(join(d, 'usr/zqz/os-release'), 'ID=host\n');
    });
    writeFileSync(through.path, renameEntry(through.image, 'zqz', 'l/x'));
    e = await lintError(through.path);
    expect(e).toBeInstanceOf(LintInputError);
    expect(e!.message).toMatch(/member "usr\/l\/x" goes through the symbolic link usr\/l; refusing to unpack it/);
  });
});

describe('lint of a raw ext4 or erofs image', () => {
  /** A file of zeros with `magic` written at `offset`: what the sniffer looks at, nothing more. */
  function header(name: string, write: (b: Buffer) => void): string {
    const b = Buffer.alloc(4096);
    write(b);
    const path = join(work, name);
    writeFileSync(path, b);
    return path;
  }
  const ext4 = header('demo_1.0.raw', (b) => b.writeUInt16LE(0xef53, 1080));
  const erofs = header('demo.img', (b) => b.writeUInt32LE(0xe0f5e1e2, 1024));

  const unsupported = (given: string, format: string): string =>
    `${given}: not supported: raw ${format} images need to be mounted to be read; lint the mounted directory, ` +
    'or a squashfs or tar of the package (composable pack --format squashfs or tar.gz)';

  it.each([
    ['ext4', ext4],
    ['erofs', erofs],
  ])('%s: an input error naming the file, saying it needs mounting', async (format, path) => {
    const e = await lintError(path);
    expect(e).toBeInstanceOf(LintInputError);
    expect(e!.message).toBe(unsupported(path, format));
  });

  it('docs/cli.md shows the message as composable lint prints it', () => {
    expect(readFileSync(join(REPO, 'docs/cli.md'), 'utf8')).toContain(`composable lint: ${unsupported('demo.raw', 'ext4')}\n`);
  });

  it("composable inspect gives the same input error (exit 2, naming the file), not the tar reader's", async () => {
    for (const [given, format] of [
      ['demo_1.0.raw', 'ext4'],
      ['demo.img', 'erofs'],
    ]) {
      const run = await cli(['inspect', given!], work);
      expect([run.exitCode, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toBe(
        `composable: ${given}: not supported: raw ${format} images need to be mounted to be read; inspect the mounted directory, ` +
          'or a squashfs or tar of the package (composable pack --format squashfs or tar.gz)',
      );
    }
  });

  it('composable lint exits 2 with the message on standard error, and a tar name does not hide it', async () => {
    copyFileSync(ext4, join(work, 'looks-like.tar'));
    for (const [given, format] of [
      ['demo_1.0.raw', 'ext4'],
      ['demo.img', 'erofs'],
      ['looks-like.tar', 'ext4'],
    ]) {
      const run = await cli(['lint', given!], work);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`${given}: not supported: raw ${format} images need to be mounted`);
    }
  });

  it.skipIf(!hasCommand('mke2fs'))('a real ext4 image made by mke2fs from a package directory', async () => {
    const image = join(work, 'logship.ext4');
    writeFileSync(image, '');
    truncateSync(image, 8 * 1024 * 1024);
    const pkg = join(work, 'ext4-src');
    cpSync(join(EXAMPLES, 'logship'), pkg, { recursive: true });
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-d', pkg, image], { stdio: 'ignore' });
    const e = await lintError(image);
    expect(e).toBeInstanceOf(LintInputError);
    expect(e!.message).toMatch(/logship\.ext4: not supported: raw ext4 images need to be mounted/);
  });
});
