// composable-services/testing as root: the unit's user and file-system sandbox applied for real,
// in a private mount namespace (unshare, setpriv). Skipped with one line naming what is missing,
// except under CI=true, where it must run.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startService, type ServiceHandle } from '../../../sdk/testing/index.ts';
import { readAccounts } from '../../../sdk/testing/service-user.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const missing = missingRequirements([requirement.testSandbox], 'the composable test sandbox tests');

const work = mkdtempSync(join(tmpdir(), 'composable-sandbox-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const handles: ServiceHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) {
    if (h.state === 'active' || h.state === 'activating') await h.stop();
    h.cleanup();
  }
});

let n = 0;
function pkg(unitText: string, program: string): string {
  const dir = join(work, `p${n++}`);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), 'NAME=t\nID=t\nVERSION_ID=1\n');
  writeFileSync(join(dir, 'usr/lib/systemd/system/t.service'), unitText);
  writeFileSync(join(dir, 'usr/bin/t'), program);
  chmodSync(join(dir, 'usr/bin/t'), 0o755);
  return dir;
}
async function start(dir: string, opts: Parameters<typeof startService>[1] = {}): Promise<ServiceHandle> {
  const h = await startService(dir, opts);
  handles.push(h);
  return h;
}
const text = (h: ServiceHandle): string => h.logs.map((l) => l.text).join('\n');
const nobody = (): number => readAccounts().users.find((u) => u.name === 'nobody')!.uid;

describe.skipIf(missing.length > 0)('startService as root: user and sandbox', () => {
  it('User=nobody and PrivateTmp=yes: runs as nobody with a private /tmp, its directories its own, and lists what is not emulated', async () => {
    const marker = `composable-private-tmp-${process.pid}-${Date.now()}`;
    const dir = pkg(
      '[Service]\nType=oneshot\nUser=nobody\nPrivateTmp=yes\nStateDirectory=t\nNoNewPrivileges=yes\nProtectKernelTunables=yes\nExecStart=/usr/bin/t\n',
      '#!/bin/sh\necho "uid=$(id -u) user=$USER"\necho private > "/tmp/$MARKER" && echo wrote-tmp\nid -u > "$STATE_DIRECTORY/uid"\n' +
        'cat "$CREDENTIALS_DIRECTORY/token"; echo\n',
    );
    const h = await start(dir, { env: { MARKER: marker }, credentials: { token: 's3cret' } });
    expect([h.state, h.result], text(h)).toEqual(['inactive', 'success']);
    expect(text(h)).toContain(`uid=${nobody()} user=nobody`);
    expect(text(h)).toContain('wrote-tmp');
    expect(text(h)).toContain('s3cret'); // the credentials are readable by the service's user
    // The file landed in the service's private /tmp, not in the host's.
    expect(existsSync(join('/tmp', marker))).toBe(false);
    expect(readFileSync(join(h.sandbox.tmp, marker), 'utf8')).toBe('private\n');
    const state = h.env.STATE_DIRECTORY!;
    expect(readFileSync(join(state, 'uid'), 'utf8').trim()).toBe(String(nobody()));
    expect(statSync(state).uid).toBe(nobody());
    expect(h.user?.name).toBe('nobody');
    expect(h.notEmulated).toEqual(['NoNewPrivileges', 'ProtectKernelTunables']);
  });

  it('ProtectSystem=strict: /usr and /etc are read-only inside, the unit’s directories and /tmp stay writable', async () => {
    const probe = `composable-strict-${process.pid}-${Date.now()}`;
    const dir = pkg(
      '[Service]\nType=oneshot\nProtectSystem=strict\nStateDirectory=t\nRuntimeDirectory=t\nExecStart=/usr/bin/t\n',
      `#!/bin/sh\nfor d in /usr /etc "$STATE_DIRECTORY" "$RUNTIME_DIRECTORY" /tmp; do\n` +
        `  if touch "$d/${probe}" 2>/dev/null; then echo "$d=rw"; rm -f "$d/${probe}"; else echo "$d=ro"; fi\ndone\n`,
    );
    const h = await start(dir);
    expect(h.result, text(h)).toBe('success');
    const out = text(h);
    expect(out).toContain('/usr=ro');
    expect(out).toContain('/etc=ro');
    expect(out).toContain(`${h.env.STATE_DIRECTORY}=rw`);
    expect(out).toContain(`${h.env.RUNTIME_DIRECTORY}=rw`);
    expect(out).toContain('/tmp=ro'); // without PrivateTmp= the host's /tmp is part of the read-only system
    expect(existsSync(join('/usr', probe))).toBe(false);
    expect(h.notEmulated).toEqual([]);
  });

  it('ProtectHome=yes, ReadOnlyPaths=, InaccessiblePaths=; a missing required path fails with 226/NAMESPACE', async () => {
    const shared = join(work, 'shared');
    mkdirSync(shared, { recursive: true });
    writeFileSync(join(shared, 'secret'), 'hidden\n');
    const dir = pkg(
      `[Service]\nType=oneshot\nProtectHome=yes\nReadOnlyPaths=${shared}\nInaccessiblePaths=${shared}/secret -/does/not/exist\nExecStart=/usr/bin/t\n`,
      `#!/bin/sh\necho "root=[$(ls -A /root)]"\nif touch ${shared}/x 2>/dev/null; then echo shared=rw; else echo shared=ro; fi\n` +
        `echo "secret=[$(cat ${shared}/secret)]"\n`,
    );
    const h = await start(dir);
    expect(h.result, text(h)).toBe('success');
    expect(text(h)).toContain('root=[]');
    expect(text(h)).toContain('shared=ro');
    expect(text(h)).toContain('secret=[]');
    const broken = await start(pkg('[Service]\nType=oneshot\nReadOnlyPaths=/does/not/exist\nExecStart=/bin/true\n', '#!/bin/sh\n'));
    expect([broken.result, broken.exitCode]).toEqual(['exit-code', 226]);
    expect(text(broken)).toContain('/does/not/exist: no such file or directory (systemd fails with 226/NAMESPACE)');
  });

  it('DynamicUser=yes: a uid of systemd’s dynamic range, with the sandboxing it implies; the main PID is the service itself', async () => {
    const dir = pkg(
      '[Service]\nDynamicUser=yes\nStateDirectory=t\nExecStart=/usr/bin/t\n',
      '#!/bin/sh\necho "uid=$(id -u)"\nif touch /etc/composable-probe 2>/dev/null; then echo etc=rw; else echo etc=ro; fi\n' +
        'touch "$STATE_DIRECTORY/ok" && echo state=rw\nexec sleep 30\n',
    );
    const h = await start(dir);
    expect(h.state).toBe('active');
    await h.waitForLog(/^state=/);
    const uid = Number(/uid=(\d+)/.exec(text(h))![1]);
    expect(uid).toBeGreaterThanOrEqual(61184);
    expect(uid).toBeLessThanOrEqual(65519);
    expect(text(h)).toContain('etc=ro');
    expect(text(h)).toContain('state=rw');
    // unshare execs in place: the process the test signals is the service, running as the user.
    expect(readFileSync(`/proc/${h.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
    await h.stop();
    expect([h.result, h.exitSignal]).toEqual(['success', 'SIGTERM']);
  });

  it("the metadata's user (the user option) replaces the unit's User= and Group=; bindPaths shows a host path through PrivateTmp=", async () => {
    const shared = mkdtempSync(join(tmpdir(), 'composable-bind-'));
    chmodSync(shared, 0o777);
    try {
      const dir = pkg(
        '[Service]\nType=oneshot\nUser=root\nGroup=root\nPrivateTmp=yes\nExecStart=/usr/bin/t\n',
        `#!/bin/sh\necho "ids=$(id -u):$(id -g)"\necho hello > ${shared}/out\n`,
      );
      const h = await start(dir, { user: 'nobody', bindPaths: [shared] });
      expect(h.result, text(h)).toBe('success');
      expect(text(h)).toContain(`ids=${nobody()}:`);
      expect(text(h)).not.toContain('ids=0:0');
      expect(readFileSync(join(shared, 'out'), 'utf8')).toBe('hello\n');
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
