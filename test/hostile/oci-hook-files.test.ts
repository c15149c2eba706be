// Files the OCI hook reads that someone else made: a package's os-release that is a FIFO, a link
// to /dev/zero or a link out of the package, and a credential that is a FIFO. None hangs the
// hook, none is read without bound, no link leaves the package; the container still starts.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInStore } from '../../host/oci-hook/store.ts';
import { readBounded, readInRoot } from '../../host/oci-hook/dir-fd.ts';
import { hookSandbox, precreate, type HookSandbox } from './oci-hook-harness.ts';

let sb: HookSandbox;
afterEach(() => sb?.dispose());

const osRelease = (pkg: string): string => join(sb.store, pkg, 'usr/lib/os-release');

describe('hostile: files the OCI hook reads', () => {
  it("a package's os-release that is a FIFO, a link to /dev/zero or a link out of the package: no version, quickly", () => {
    sb = hookSandbox();
    const t0 = performance.now();
    for (const plant of [
      () => execFileSync('mkfifo', [osRelease('logship')]),
      () => symlinkSync('/dev/zero', osRelease('logship')),
      () => symlinkSync('/etc/os-release', osRelease('logship')),
      () => symlinkSync('../../../../../../../../etc/os-release', osRelease('logship')),
    ]) {
      rmSync(osRelease('logship'));
      plant();
      const r = resolveInStore(sb.store, 'logship');
      expect(r.ok).toBe(true);
      expect(r.ok && r.pkg.version).toBeUndefined();
    }
    expect(performance.now() - t0).toBeLessThan(2000);
    // The link is resolved inside the package: an absolute link to a file it has is read there.
    rmSync(osRelease('health'));
    symlinkSync('/usr/lib/real-os-release', osRelease('health'));
    execFileSync('sh', ['-c', `printf 'ID=health\\nVERSION_ID=3.1\\n' > ${join(sb.store, 'health/usr/lib/real-os-release')}`]);
    const h = resolveInStore(sb.store, 'health');
    expect(h.ok && h.pkg.version).toBe('3.1');
  });

  it('readBounded and readInRoot refuse a FIFO, a device, a link and an oversized file, naming the path only', () => {
    sb = hookSandbox();
    const fifo = join(sb.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readBounded(fifo, { maxBytes: 10 })).toThrow(`${fifo} is not a regular file`);
    expect(() => readBounded('/dev/zero', { maxBytes: 10, follow: true })).toThrow('/dev/zero is not a regular file');
    symlinkSync('/dev/zero', join(sb.dir, 'zero'));
    expect(() => readBounded(join(sb.dir, 'zero'), { maxBytes: 10 })).toThrow('is a symbolic link; it is not followed');
    expect(() => readBounded(sb.configPath, { maxBytes: 10 })).toThrow(/bytes, over the limit of 10$/);
    expect(() => readInRoot(join(sb.store, 'logship'), '/usr/lib/../../../../hook.json', { maxBytes: 1000 })).toThrow(/does not exist/);
  });

  it('a credential that is a FIFO costs its service only, and does not hang the hook', () => {
    sb = hookSandbox();
    const fifo = join(sb.dir, 'token');
    execFileSync('mkfifo', [fifo]);
    sb.writeConfig({ services: { logship: { credentials: { token: fifo } } } });
    const t0 = performance.now();
    const key = precreate(sb, 'logship health');
    expect(performance.now() - t0).toBeLessThan(2000);
    const status = JSON.parse(readFileSync(join(sb.runRoot, key, 'run/hook-status.json'), 'utf8'));
    expect(status.services).toEqual(['health']);
    expect(status.refused).toEqual([{ name: 'logship', reason: `credential token: ${fifo} is not a regular file` }]);
  });
});
