// composable/testing against small packages built per test.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { runTimer, startService, type ServiceHandle } from '../../../sdk/testing/index.ts';
const require = createRequire(import.meta.url);
import { hasCommand } from '../../helpers/requirements.ts';

const work = mkdtempSync(join(tmpdir(), 'composable-testing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const handles: ServiceHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) {
    if (h.state === 'active' || h.state === 'activating') await h.stop();
    h.cleanup();
  }
});

let n = 0;
function pkg(units: Record<string, string>, bins: Record<string, string> = {}): string {
  const dir = join(work, `p${n++}`);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), 'NAME=t\nID=t\nVERSION_ID=1\n');
  for (const [name, text] of Object.entries(units)) writeFileSync(join(dir, 'usr/lib/systemd/system', name), text);
  for (const [name, text] of Object.entries(bins)) {
    writeFileSync(join(dir, 'usr/bin', name), text);
    chmodSync(join(dir, 'usr/bin', name), 0o755);
  }
  return dir;
}
async function start(dir: string, opts: Parameters<typeof startService>[1] = {}): Promise<ServiceHandle> {
  const h = await startService(dir, opts);
  handles.push(h);
  return h;
}

describe('startService', () => {
  it('runs a simple service from the package with its environment, directories, credentials and specifiers (no namespace)', async () => {
    const dir = pkg(
      {
        't.service':
          '[Service]\nEnvironment="GREETING=hello world" UNIT=%n\nExecStart=/usr/bin/t $GREETING ${GREETING}\n' +
          'RuntimeDirectory=t\nStateDirectory=t/data\n[Install]\nWantedBy=multi-user.target\n',
      },
      {
        t:
          '#!/bin/sh\necho "args: $# [$1] [$3]"\necho "unit=$UNIT pkg=$COMPOSABLE_PACKAGE_DIR"\necho ' +
          '"run=$RUNTIME_DIRECTORY state=$STATE_DIRECTORY"\necho "token=$(cat "$CREDENTIALS_DIRECTORY/token")"\n' +
          'echo "cwd=$(pwd)"\nexec sleep 30\n',
      },
    );
    const h = await start(dir, { credentials: { token: 's3cret' }, mountNamespace: false });
    expect(h.state).toBe('active');
    await h.waitForLog(/^cwd=/);
    const text = h.logs.map((l) => l.text).join('\n');
    expect(text).toContain('args: 3 [hello] [hello world]');
    expect(text).toContain(`unit=t.service pkg=${dir}`);
    expect(text).toMatch(/run=\/.*\/run\/t state=\/.*\/var\/lib\/t\/data/);
    expect(text).toContain('token=s3cret');
    expect(text).toContain('cwd=/');
    const runtime = h.env.RUNTIME_DIRECTORY!;
    await h.stop();
    expect(h.result).toBe('success');
    expect(h.exitSignal).toBe('SIGTERM');
    expect(h.state).toBe('inactive');
    expect(() => readFileSync(join(runtime, 'x'))).toThrow();
  });

  it.skipIf(process.getuid?.() !== 0)('as root, shows the package at its stable path in a private mount namespace', async () => {
    const dir = pkg(
      { 't.service': '[Service]\nExecStart=/usr/bin/t\n' },
      {
        t:
          '#!/bin/sh\necho "me=$0 pkg=$COMPOSABLE_PACKAGE_DIR"\nif touch /opt/composable/t/x 2>/dev/null; ' +
          'then echo ro=no; else echo ro=yes; fi\nexec sleep 30\n',
      },
    );
    const h = await start(dir);
    await h.waitForLog(/^ro=/);
    const text = h.logs.map((l) => l.text).join('\n');
    expect(text).toContain('me=/opt/composable/t/usr/bin/t pkg=/opt/composable/t');
    expect(text).toContain('ro=yes');
    expect(require('node:fs').existsSync('/opt/composable/t')).toBe(false); // the host's /opt is untouched
    await h.stop();
    expect(h.result).toBe('success');
  });

  it('Type=notify with WatchdogSec= aborts a service that stops petting the watchdog; reload runs ExecReload=', async () => {
    const dir = pkg(
      { 't.service': '[Service]\nType=notify\nExecStart=/usr/bin/t\nExecReload=/bin/sh -c "echo reload $MAINPID"\nWatchdogSec=1s\n' },
      {
        t:
          '#!/usr/bin/env python3\nimport os,socket,time\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n' +
          's.sendto(b"READY=1",os.environ["NOTIFY_SOCKET"])\nprint("usec", os.environ.get("WATCHDOG_USEC"), ' +
          'flush=True)\nfor i in range(3):\n  time.sleep(0.1)\n  s.sendto(b"WATCHDOG=1",os.environ["NOTIFY_SOCKET"])\n' +
          'print("hanging", flush=True)\ntime.sleep(30)\n',
      },
    );
    const h = await start(dir);
    expect(h.state).toBe('active');
    expect(await h.reload()).toBe(true);
    await h.waitForLog(/^reload \d+$/);
    await h.waitForLog(/^usec 1000000$/);
    for (let i = 0; i < 100 && h.state === 'active'; i++) await new Promise((r) => setTimeout(r, 50));
    expect([h.state, h.result]).toEqual(['failed', 'watchdog']);
    expect(h.exitSignal).toBe('SIGABRT');
  });

  it('oneshot: success, RemainAfterExit, a failing command with its exit status, SuccessExitStatus', async () => {
    const ok = await start(pkg({ 't.service': '[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/bin/echo second\n' }));
    expect([ok.state, ok.result]).toEqual(['inactive', 'success']);
    expect(ok.logs.map((l) => l.text)).toEqual(['second']);
    const remain = await start(pkg({ 't.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' }));
    expect(remain.state).toBe('active');
    const bad = await start(pkg({ 't.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c "exit 7"\n' }));
    expect([bad.state, bad.result, bad.exitCode]).toEqual(['failed', 'exit-code', 7]);
    const three = await start(pkg({ 't.service': '[Service]\nType=oneshot\nSuccessExitStatus=3\nExecStart=/bin/sh -c "exit 3"\n' }));
    expect(three.result).toBe('success');
  });

  it('ignores a failing ExecStartPre with "-" and fails without it', async () => {
    const ignored = await start(pkg({ 't.service': '[Service]\nExecStartPre=-/bin/false\nExecStart=/bin/sleep 30\n' }));
    expect(ignored.state).toBe('active');
    const failing = await start(pkg({ 't.service': '[Service]\nExecStartPre=/bin/false\nExecStart=/bin/sleep 30\n' }));
    expect([failing.state, failing.result]).toEqual(['failed', 'exit-code']);
  });

  it('Type=exec fails when the program cannot be executed', async () => {
    const h = await start(pkg({ 't.service': '[Service]\nType=exec\nExecStart=/usr/bin/does-not-exist\n' }));
    expect([h.state, h.result]).toEqual(['failed', 'exit-code']);
  });

  it('restarts on failure until the start limit is hit', async () => {
    const h = await start(
      pkg({
        't.service':
          '[Unit]\nStartLimitIntervalSec=30s\nStartLimitBurst=3\n[Service]\nExecStart=/bin/sh -c "echo ' +
          'run; exit 1"\nRestart=on-failure\nRestartSec=50ms\n',
      }),
    );
    for (let i = 0; i < 100 && h.result !== 'start-limit-hit'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(h.result).toBe('start-limit-hit');
    expect(h.nRestarts).toBe(3);
    expect(h.logs.filter((l) => l.text === 'run')).toHaveLength(3);
  });

  it('stops with KillSignal=, runs ExecStop= with $MAINPID, and SIGKILLs after TimeoutStopSec=', async () => {
    const polite = await start(
      pkg({ 't.service': '[Service]\nExecStart=/bin/sleep 30\nExecStop=/bin/sh -c "echo stopping $MAINPID"\nKillSignal=SIGINT\n' }),
    );
    const pid = polite.pid;
    await polite.stop();
    expect(polite.logs.map((l) => l.text)).toContain(`stopping ${pid}`);
    expect([polite.result, polite.exitSignal]).toEqual(['success', 'SIGINT']);
    const stubborn = await start(
      pkg(
        { 't.service': '[Service]\nExecStart=/usr/bin/t\nTimeoutStopSec=300ms\n' },
        { t: '#!/bin/sh\ntrap "" TERM\necho ignoring TERM\nwhile :; do sleep 0.1; done\n' },
      ),
    );
    // Not before the trap is set: systemd would see the same race.
    await stubborn.waitForLog(/ignoring TERM/);
    await stubborn.stop();
    expect(stubborn.result).toBe('timeout');
    expect(stubborn.state).toBe('failed');
  });

  it('Type=forking follows the PIDFile=', async () => {
    const dir = pkg(
      { 't.service': '[Service]\nType=forking\nPIDFile=%t/t/t.pid\nRuntimeDirectory=t\nExecStart=/usr/bin/t\n' },
      { t: '#!/bin/sh\nsleep 30 &\necho $! > "$RUNTIME_DIRECTORY/t.pid"\n' },
    );
    const h = await start(dir);
    expect(h.state).toBe('active');
    const pid = h.pid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await h.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it.skipIf(!hasCommand('python3'))('Type=notify waits for READY=1 and records STATUS=', async () => {
    const dir = pkg(
      { 't.service': '[Service]\nType=notify\nExecStart=/usr/bin/t\nTimeoutStartSec=10s\n' },
      {
        t:
          '#!/usr/bin/env python3\nimport os,socket,time\ntime.sleep(0.3)\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n' +
          's.sendto(b"READY=1\\nSTATUS=serving",os.environ["NOTIFY_SOCKET"])\nprint("sent",flush=True)\n' +
          'time.sleep(30)\n',
      },
    );
    const t0 = Date.now();
    const h = await start(dir);
    expect(h.state).toBe('active');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(h.statusText).toBe('serving');
  });

  it('lists the directives it does not emulate once, by name; without a namespace the file-system sandbox is among them', async () => {
    const h = await start(
      pkg({
        't.service':
          '[Service]\nExecStart=/bin/sleep 30\nProtectSystem=strict\nProtectKernelTunables=yes\nProtectKernelTunables=yes\nPrivateTmp=yes\nUser=nobody\n',
      }),
      { mountNamespace: false },
    );
    expect(h.notEmulated).toEqual([
      'PrivateTmp (only $TMPDIR: no mount namespace)',
      'ProtectKernelTunables',
      'ProtectSystem',
      ...(process.getuid?.() === 0 ? [] : ['User']),
    ]);
    expect(h.warnings).toEqual([]);
    expect(h.env.TMPDIR).toBe(join(h.sandbox.root, 'tmp'));
  });
});

describe('runTimer', () => {
  it("runs the timer's service once", async () => {
    const dir = pkg({
      't.timer': '[Timer]\nOnCalendar=hourly\nUnit=t-job.service\n',
      't-job.service': '[Service]\nType=oneshot\nExecStart=/bin/echo tick\n',
    });
    const h = await runTimer(dir, 't.timer');
    handles.push(h);
    expect([h.unit, h.result]).toEqual(['t-job.service', 'success']);
    expect(h.logs.map((l) => l.text)).toEqual(['tick']);
  });
});
