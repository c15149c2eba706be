// The exposure estimate against `systemd-analyze security --offline=yes`: on synthetic units from
// bare to hardened and on services of this machine, within one point of systemd's score.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import { exposure, exposureLevel, type Settings } from '../../../lint/util/exposure.ts';

const SYNTHETIC: Record<string, string[]> = {
  'bare.service': [],
  'dynamic.service': ['DynamicUser=yes'],
  'user.service': ['User=nobody', 'NoNewPrivileges=yes', 'PrivateTmp=yes'],
  'medium.service': [
    'DynamicUser=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateDevices=yes',
    'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    'RestrictAddressFamilies=AF_INET AF_INET6',
  ],
  'hardened.service': [
    'DynamicUser=yes',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'PrivateUsers=yes',
    'ProtectClock=yes',
    'ProtectKernelLogs=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelTunables=yes',
    'ProtectControlGroups=yes',
    'ProtectHostname=yes',
    'ProtectProc=invisible',
    'ProcSubset=pid',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'MemoryDenyWriteExecute=yes',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'CapabilityBoundingSet=',
    'RestrictAddressFamilies=AF_UNIX',
    'IPAddressDeny=any',
    'UMask=0077',
    'PrivateNetwork=yes',
  ],
};
const MACHINE = [
  'systemd-timesyncd',
  'systemd-networkd',
  'systemd-resolved',
  'systemd-journald',
  'systemd-logind',
  'dbus',
  'cron',
  'e2scrub_reap',
]
  .map((n) => `/usr/lib/systemd/system/${n}.service`)
  .filter((p) => existsSync(p));

function settingsOf(text: string): Settings {
  const s: Settings = new Map();
  for (const section of parseUnitFile(text).sections) {
    if (section.name !== 'Service') continue;
    for (const n of section.nodes) if (n.type === 'entry') s.set(n.key, n.value);
  }
  return s;
}

describe('exposure', () => {
  it('scores a bare root service near 10 and a hardened one near 0', () => {
    expect(exposure(new Map([['ExecStart', '/bin/true']])).score).toBeGreaterThan(9);
    expect(exposure(settingsOf(`[Service]\n${SYNTHETIC['hardened.service']!.join('\n')}\n`)).score).toBeLessThan(2);
  });
  it('names levels like systemd-analyze security', () => {
    expect([9.6, 8.4, 4.3, 0.5, 0].map(exposureLevel)).toEqual(['UNSAFE', 'EXPOSED', 'OK', 'SAFE', 'PERFECT']);
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'exposure against systemd-analyze security');

describe.skipIf(missing.length > 0)('exposure agrees with systemd-analyze security --offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'composable-lint-exposure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('within one point on synthetic and machine services', () => {
    const files: string[] = [];
    for (const [name, lines] of Object.entries(SYNTHETIC)) {
      const path = join(dir, name);
      writeFileSync(path, `[Service]\nExecStart=/bin/true\n${lines.join('\n')}\n`);
      files.push(path);
    }
    for (const p of MACHINE) {
      copyFileSync(p, join(dir, basename(p)));
      files.push(join(dir, basename(p)));
    }
    const rows: string[] = [];
    for (const file of files) {
      const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', file], { encoding: 'utf8', timeout: 60_000 });
      const m = /Overall exposure level for \S+: ([0-9.]+) ([A-Z]+)/.exec(`${r.stdout}${r.stderr}`);
      expect(m, `${file}: ${r.stderr}`).toBeTruthy();
      const systemd = Number(m![1]);
      const ours = exposure(settingsOf(readFileSync(file, 'utf8'))).score;
      rows.push(`${basename(file)} systemd ${systemd} ours ${ours}`);
      expect(Math.abs(ours - systemd), rows.join('\n')).toBeLessThanOrEqual(1.0);
    }
    expect(rows.length).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
