// `composable-oci-hook refresh` rewrites a running container's run directory, which the
// container can write to (mounted read-write; a user-namespaced container's root owns it). A
// container that swaps a directory there for a symlink to a host directory, at the moment
// between a check and its use, must not make root write, chmod or chown anything outside: once
// at each such moment (the hook's race window made observable), and in a race loop bounded in time.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { raceWindow } from '../../host/oci-hook/dir-fd.ts';
import { hookSandbox, hostDir, precreate, runHook, type HookSandbox } from './oci-hook-harness.ts';

let sb: HookSandbox;
afterEach(() => {
  raceWindow.between = undefined;
  sb?.dispose();
});

/** A container with a user namespace (so refresh chowns its run directory) and a credential. */
function container(): { key: string; run: string } {
  const token = join(sb.dir, 'token');
  writeFileSync(token, 'credential-bytes', { mode: 0o600 });
  sb.writeConfig({ services: { logship: { credentials: { token } } } });
  const key = precreate(sb, 'logship health', {
    linux: {
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  });
  const run = join(sb.runRoot, key, 'run');
  expect(existsSync(join(run, 'credentials/logship/token'))).toBe(true);
  return { key, run };
}

/** Replace `path` (whatever it is) with a symlink to `target`. */
function swapForLink(path: string, target: string): void {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
}

describe('hostile: refresh against a container that swaps paths for symlinks', () => {
  it('a swap at every moment between a check and its use changes no host file', () => {
    sb = hookSandbox();
    const host = hostDir(sb.dir);
    const before = host.snapshot();
    const { key, run } = container();
    const seen = new Set<string>();
    raceWindow.between = (step, path) => {
      if (!path.startsWith(run) || path === run) return;
      seen.add(step);
      swapForLink(path, host.path);
    };
    const r = runHook(['refresh', key, '--config', sb.configPath]);
    raceWindow.between = undefined;
    expect([...seen].sort()).toEqual(expect.arrayContaining(['openDir', 'rename']));
    expect(host.snapshot()).toBe(before);
    // The service whose credential could not be written safely is refused; the hook said why.
    expect(`${r.stdout}${r.log}`).toMatch(/refused: "logship"|credential token|ELOOP|EISDIR/);
  });

  it('each run directory step refuses a symlink planted before it', () => {
    sb = hookSandbox();
    const host = hostDir(sb.dir);
    const before = host.snapshot();
    const { key, run } = container();
    for (const planted of ['credentials', 'credentials/logship', 'credentials/logship/token', 'metadata.json', 'hook-status.json']) {
      if (!existsSync(join(run, 'credentials/logship'))) mkdirSync(join(run, 'credentials/logship'), { recursive: true });
      swapForLink(join(run, planted), planted.endsWith('.json') || planted.endsWith('token') ? join(host.path, 'keep') : host.path);
      runHook(['refresh', key, '--config', sb.configPath]);
      expect(host.snapshot(), planted).toBe(before);
    }
    // A planted link elsewhere in run/ is chowned itself, never its target.
    symlinkSync(host.path, join(run, 'extra'));
    runHook(['refresh', key, '--config', sb.configPath]);
    expect(lstatSync(join(run, 'extra')).uid).toBe(100000);
    expect(host.snapshot()).toBe(before);
  });

  it('a race loop swapping directories for symlinks while refresh runs, for 1.5 s, changes no host file', async () => {
    sb = hookSandbox();
    const host = hostDir(sb.dir);
    const before = host.snapshot();
    const { key, run } = container();
    // Another process, as the container would be: swaps credentials/ and credentials/logship/
    // between a directory and a link to the host directory as fast as it can.
    const script = `
      const fs = require('node:fs');
      const [run, target, ms] = process.argv.slice(1);
      const end = Date.now() + Number(ms);
      const paths = [run + '/credentials', run + '/credentials/logship', run + '/x'];
      while (Date.now() < end) for (const p of paths) {
        // Only through real directories: the test's own writes must not land in the host directory.
        try { if (p.endsWith("/logship") && !fs.lstatSync(run + "/credentials").isDirectory()) continue; } catch { continue; }
        try { fs.rmSync(p, { recursive: true, force: true }); fs.symlinkSync(target, p); } catch {}
        try { fs.unlinkSync(p); fs.mkdirSync(p); } catch {}
        try { fs.rmSync(p, { recursive: true, force: true }); fs.symlinkSync(target, p); } catch {}
      }`;
    const child = spawn(process.execPath, ['-e', script, run, host.path, '1500'], { stdio: 'ignore' });
    const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const end = Date.now() + 1500;
    let runs = 0;
    // Let the child start, then refresh until it is done (each call is synchronous).
    await new Promise((r) => setTimeout(r, 100));
    while (Date.now() < end) {
      runHook(['refresh', key, '--config', sb.configPath]);
      runs++;
    }
    await done;
    expect(runs).toBeGreaterThan(5);
    expect(host.snapshot()).toBe(before);
  }, 20_000);
});
