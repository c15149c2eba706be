// Artifacts given to lint and inspect: tar and tar.gz that declare huge sizes, carry devices,
// climb out, write through their own symlinks, or never end. Each is refused with a message, in
// little time, memory and disk; nothing lands outside the extraction directory.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { osRelease, sandbox, serviceUnit, type Sandbox } from './harness.ts';
import { lint } from '../../lint/engine.ts';
import { LintInputError } from '../../lint/inputs/index.ts';
import { inspectPath } from '../../cli/commands/inspect.ts';
import { ArtifactError, extractArtifactTo } from '../../sdk/artifact/extract.ts';
import { tar, type Member } from './tar-build.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());

const pkg: Member[] = [
  { name: 'usr/lib/os-release', data: osRelease('demo') },
  { name: 'usr/lib/systemd/system/demo.service', data: serviceUnit('demo') },
];

function write(name: string, bytes: Buffer): string {
  const p = join(sb.base, name);
  writeFileSync(p, bytes);
  return p;
}

async function refused(path: string, pattern: RegExp): Promise<void> {
  const before = readdirSync(tmpdir()).filter((n) => n.startsWith('composable-lint-') || n.startsWith('composable-inspect-')).length;
  const t0 = performance.now();
  const rss = process.memoryUsage().rss;
  const lintErr = await lint([path]).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(lintErr, 'lint refuses it').toBeInstanceOf(LintInputError);
  expect(lintErr!.message).toMatch(pattern);
  const inspectErr = await inspectPath(path).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(inspectErr, 'inspect refuses it').toBeInstanceOf(ArtifactError);
  expect(inspectErr!.message).toMatch(pattern);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  // Both removed their temporary directories.
  const after = readdirSync(tmpdir()).filter((n) => n.startsWith('composable-lint-') || n.startsWith('composable-inspect-')).length;
  expect(after).toBeLessThanOrEqual(before);
}

describe('hostile: tar and tar.gz artifacts', () => {
  it('a member that declares 8 GiB (and has no data): refused from its header', async () => {
    sb = sandbox();
    const t = tar([...pkg, { name: 'usr/bin/huge', size: 8 * 1024 ** 3 - 1 }], { end: false });
    await refused(write('a.tar', t), /declares \d+ bytes, over the limit/);
    await refused(write('a.tar.gz', gzipSync(t)), /declares \d+ bytes, over the limit/);
  });

  const bad: [string, Member, RegExp][] = [
    ['a character device', { name: 'dev/zero', type: '3' }, /character device/],
    ['a block device', { name: 'dev/sda', type: '4' }, /block device/],
    ['a FIFO', { name: 'run/pipe', type: '6' }, /FIFO/],
    ['a hard link to a host file', { name: 'etc/shadow', type: '1', link: '/etc/shadow' }, /hard link/],
    ['a member climbing out with ..', { name: '../../evil', data: 'x' }, /climbs out/],
    ['a member nested past the depth limit', { name: `${'d/'.repeat(49)}x`, data: 'x' }, /./],
  ];
  for (const [what, m, pattern] of bad) {
    it(`${what}: refused`, async () => {
      sb = sandbox();
      if (what.includes('depth')) {
        // 50 levels fit in 100 bytes of name; lower the limit to see it refused.
        const dest = join(sb.base, 'x');
        mkdirSync(dest);
        await expect(extractArtifactTo(write('d.tar', tar([...pkg, m])), dest, { limits: { depth: 20 } })).rejects.toThrow(
          /nested more than 20/,
        );
        return;
      }
      await refused(write('b.tar.gz', gzipSync(tar([...pkg, m]))), pattern);
    });
  }

  it('a symlink out of the directory, then a member written through it: refused, nothing outside', async () => {
    sb = sandbox();
    const outside = join(sb.base, 'outside');
    mkdirSync(outside);
    const t = tar([...pkg, { name: 'x', type: '2', link: outside }, { name: 'x/pwned', data: 'owned' }]);
    await refused(write('c.tar', t), /goes through the symbolic link/);
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
  });

  it('a gzip stream of 64 MiB of zeros after the end of the archive is not read', async () => {
    sb = sandbox();
    const t = Buffer.concat([tar(pkg), Buffer.alloc(64 * 1024 * 1024)]);
    const p = write('e.tar.gz', gzipSync(t, { level: 1 }));
    const dest = join(sb.base, 'e');
    mkdirSync(dest);
    const t0 = performance.now();
    await extractArtifactTo(p, dest);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(readdirSync(join(dest, 'usr/lib'))).toContain('os-release');
  });

  it('a gzip bomb (a small file that inflates to 64 MiB) is stopped at the file limit', async () => {
    sb = sandbox();
    const t = tar([...pkg, { name: 'usr/bin/zeros', data: Buffer.alloc(64 * 1024 * 1024) }]);
    const p = write('f.tar.gz', gzipSync(t, { level: 9 }));
    const dest = join(sb.base, 'f');
    mkdirSync(dest);
    await expect(extractArtifactTo(p, dest, { limits: { fileBytes: 1024 * 1024 } })).rejects.toThrow(/over the limit of 1048576 per file/);
    await expect(extractArtifactTo(p, join(sb.base, 'g'), { limits: { packageBytes: 1024 * 1024 } })).rejects.toThrow(
      /add up to more than/,
    );
  });

  it('more entries than allowed', async () => {
    sb = sandbox();
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `usr/share/f${i}`, data: '' }));
    const dest = join(sb.base, 'h');
    mkdirSync(dest);
    await expect(extractArtifactTo(write('h.tar', tar([...pkg, ...many])), dest, { limits: { entries: 100 } })).rejects.toThrow(
      /more than 100 entries/,
    );
  });

  it('a truncated archive and one with a bad checksum', async () => {
    sb = sandbox();
    const t = tar([...pkg, { name: 'usr/bin/x', data: Buffer.alloc(5000, 1) }]);
    await refused(write('i.tar', t.subarray(0, 2048 + 512 + 600)), /truncated/);
    const broken = Buffer.from(t);
    broken[0] = 0x41;
    await refused(write('j.tar', broken), /checksum/);
  });

  it('a valid artifact still lints and inspects', async () => {
    sb = sandbox();
    const p = write('ok.tar.gz', gzipSync(tar([{ name: 'usr/', type: '5', mode: 0o755 }, ...pkg])));
    const i = await inspectPath(p);
    expect(i.name).toBe('demo');
    expect((await lint([p])).fileCount).toBeGreaterThan(0);
  });
});
