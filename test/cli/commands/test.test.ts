// composable test as a user runs it (the built CLI): --env, --env-file, the service's output
// streamed with the unit's name, --quiet, --json, the not-emulated line, and the exit codes
// (0 behaved, 1 misbehaved, 2 usage or input error).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccounts } from '../../../sdk/testing/service-user.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const REPO = join(import.meta.dirname, '../../..');
const CLI = join(REPO, 'dist/composable.mjs');
// `node --`: Node 20 reads a script argument `--env-file FILE` itself and exits 9 when FILE is
// missing (nodejs/node#54232); after `--` it leaves the script's arguments alone.
const run = (args: string[]) =>
  execa('node', ['--', CLI, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000, stdin: 'ignore' });

const work = mkdtempSync(join(tmpdir(), 'composable-cli-test-'));
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/composable.mjs is missing: run `npm run build` (npm test does)');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function pkg(unitText: string, program = '#!/bin/sh\n'): string {
  const dir = join(work, `p${n++}`);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), 'NAME=t\nID=t\nVERSION_ID=1\n');
  writeFileSync(join(dir, 'usr/lib/systemd/system/t.service'), `${unitText}[Install]\nWantedBy=multi-user.target\n`);
  writeFileSync(join(dir, 'usr/bin/t'), program);
  chmodSync(join(dir, 'usr/bin/t'), 0o755);
  return dir;
}

describe('composable test', () => {
  it("streams the service's output live with the unit's name, stderr marked; --quiet hides it", async () => {
    const dir = pkg('[Service]\nType=oneshot\nExecStart=/usr/bin/t\n', '#!/bin/sh\necho hello\necho oops >&2\n');
    const r = await run(['test', dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.split('\n')).toEqual(expect.arrayContaining(['t.service | hello', 't.service ! oops']));
    expect(r.stdout).toMatch(/^ok t\.service \(Type=oneshot\)/);
    const quiet = await run(['test', dir, '--quiet']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^ok t\.service/);
  });

  it('streams while the service runs, not at the end', async () => {
    const dir = pkg('[Service]\nExecStart=/usr/bin/t\n', '#!/bin/sh\necho up\nexec sleep 30\n');
    const t0 = Date.now();
    const child = run(['test', dir, '--for', '2']);
    let seenAt = 0;
    child.stderr!.on('data', (d: Buffer) => {
      if (!seenAt && d.toString().includes('t.service | up')) seenAt = Date.now() - t0;
    });
    const r = await child;
    const endedAt = Date.now() - t0;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(seenAt).toBeGreaterThan(0);
    expect(endedAt - seenAt).toBeGreaterThan(1500); // printed during the 2 s it had to stay up
  });

  it('--env KEY=VALUE (repeatable) and --env-file (EnvironmentFile= syntax) reach the service; --env wins', async () => {
    const dir = pkg('[Service]\nType=oneshot\nEnvironment=A=unit\nExecStart=/usr/bin/t\n', '#!/bin/sh\necho "A=$A B=$B C=$C D=$D"\n');
    const envFile = join(work, 'test.env');
    writeFileSync(envFile, '# the team\'s settings\nB="from file"\nC=file\n\nD=file\n');
    const r = await run(['test', dir, '--env-file', envFile, '--env', 'C=flag', '--env', 'D=x=y', '--env', 'A=flag']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('t.service | A=flag B=from file C=flag D=x=y');
  });

  it('exit 2 naming the value for a bad --env, an unreadable --env-file, a bad --for, a missing or unusable package, an unknown --unit', async () => {
    const dir = pkg('[Service]\nType=oneshot\nExecStart=/bin/true\n');
    const bad = await run(['test', dir, '--env', 'NOEQUALS']);
    expect([bad.exitCode, bad.stderr]).toEqual([
      2,
      'composable test: --env takes KEY=VALUE (KEY of letters, digits and _), not "NOEQUALS"',
    ]);
    const badKey = await run(['test', dir, '--env', '1X=y']);
    expect(badKey.exitCode).toBe(2);
    expect(badKey.stderr).toContain('"1X=y"');
    const file = await run(['test', dir, '--env-file', join(work, 'nope.env')]);
    expect([file.exitCode, file.stderr]).toEqual([2, `composable: cannot read ${join(work, 'nope.env')}: no such file or directory`]);
    const forBad = await run(['test', dir, '--for', 'soon']);
    expect([forBad.exitCode, forBad.stderr]).toEqual([2, 'composable test: --for takes a number of seconds, not "soon"']);
    const missing = await run(['test', join(work, 'absent')]);
    expect([missing.exitCode, missing.stderr]).toEqual([2, `composable: cannot read ${join(work, 'absent')}: no such file or directory`]);
    const notPkg = await run(['test', work]);
    expect(notPkg.exitCode).toBe(2);
    expect(notPkg.stderr).toContain('is not a usable package');
    const unit = await run(['test', dir, '--unit', 'other.service']);
    expect([unit.exitCode, unit.stderr]).toEqual([2, 'composable test: other.service is not in the package; it has t.service']);
  });

  it('--json: the report with the not-emulated list; streamed output stays on stderr', async () => {
    const dir = pkg(
      '[Service]\nType=oneshot\nExecStart=/usr/bin/t\nProtectKernelTunables=yes\nLockPersonality=yes\n',
      '#!/bin/sh\necho hi\n',
    );
    const r = await run(['test', dir, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ unit: 't.service', behaved: true, result: 'success', warnings: [] });
    expect(report.notEmulated).toEqual(expect.arrayContaining(['LockPersonality', 'ProtectKernelTunables']));
    expect(r.stderr).toBe('t.service | hi');
    const human = await run(['test', dir, '--quiet']);
    expect(human.stdout.split('\n').filter((l) => l.includes('not emulated'))).toEqual([
      expect.stringMatching(/^ {2}not emulated: (.*, )?LockPersonality, (.*, )?ProtectKernelTunables/),
    ]);
  });

  it('exit 1 when the service misbehaves', async () => {
    const r = await run(['test', pkg('[Service]\nType=oneshot\nExecStart=/bin/sh -c "exit 3"\n'), '--quiet']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('FAILED t.service (Type=oneshot): failed to start (exit-code, status 3)');
  });
});

const missing = missingRequirements([requirement.testSandbox], 'composable test as root');

describe.skipIf(missing.length > 0)('composable test as root', () => {
  it('User=nobody and PrivateTmp=yes: the process runs as nobody with a private /tmp, and the run lists what was not emulated', async () => {
    const marker = `composable-cli-private-tmp-${process.pid}-${Date.now()}`;
    const dir = pkg(
      '[Service]\nType=oneshot\nUser=nobody\nPrivateTmp=yes\nNoNewPrivileges=yes\nExecStart=/usr/bin/t\n',
      `#!/bin/sh\necho "uid=$(id -u)"\necho x > /tmp/${marker} && ls /tmp/${marker}\n`,
    );
    const r = await run(['test', dir]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const uid = readAccounts().users.find((u) => u.name === 'nobody')!.uid;
    expect(r.stderr).toContain(`t.service | uid=${uid}`);
    expect(r.stderr).toContain(`t.service | /tmp/${marker}`);
    expect(existsSync(join('/tmp', marker))).toBe(false);
    expect(r.stdout.split('\n')).toContain('  not emulated: NoNewPrivileges');
  });
});
