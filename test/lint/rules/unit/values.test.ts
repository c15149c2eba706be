// unit/invalid-boolean, unit/invalid-timespan and unit/invalid-enum against systemd itself: a
// table of values is written into unit files, and the lines `systemd-analyze verify` rejects must
// be exactly the lines the rules report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirements, requirement } from '../../../helpers/requirements.ts';
import { ENUM_DIRECTIVES } from '../../../../lint/data/enums.ts';
import { lintUnitText } from '../../../../lint/engine.ts';
import { rule as invalidBoolean } from '../../../../lint/rules/unit/invalid-boolean.ts';
import { rule as invalidEnum } from '../../../../lint/rules/unit/invalid-enum.ts';
import { rule as invalidTimespan } from '../../../../lint/rules/unit/invalid-timespan.ts';

const missing = missingRequirements([requirement.systemdAnalyze], 'value rules against systemd-analyze verify');

// Not DynamicUser=: systemd treats a bad value there as fatal and stops reading the file.
const BOOLEAN_KEYS = ['NoNewPrivileges', 'PrivateTmp', 'RemainAfterExit', 'ProtectClock', 'PrivateDevices'];
const BOOLEAN_VALUES = [
  'yes',
  'no',
  'true',
  'false',
  'on',
  'off',
  '1',
  '0',
  'y',
  'n',
  't',
  'f',
  'YES',
  'False',
  'maybe',
  '',
  '2',
  'enabled',
];
const TIMESPAN_KEYS = ['RestartSec', 'TimeoutStartSec', 'TimeoutStopSec', 'TimeoutAbortSec', 'WatchdogSec', 'RuntimeMaxSec'];
const TIMESPAN_VALUES = [
  '5',
  '5s',
  '1min 30s',
  '1min30s',
  '2h',
  'infinity',
  '1.5',
  '500ms',
  '10us',
  '1d',
  '1w',
  '3 min',
  '1h 2m 3s 4ms',
  '0',
  'soon',
  '',
  '-1',
  '5x',
  '5 minutes later',
  '1.2.3',
  'min',
];

/** Lines systemd complains about while loading (deprecation notes are not rejections). */
function rejectedLines(stderr: string, file: string): number[] {
  const lines = new Set<number>();
  for (const l of stderr.split('\n')) {
    if (!l.startsWith(`${file}:`)) continue;
    if (/obsolete|deprecated|please use|Special user|is not safe/i.test(l)) continue;
    const m = /^[^:]+:(\d+): /.exec(l);
    if (m) lines.add(Number(m[1]));
  }
  return [...lines].sort((a, b) => a - b);
}

function ourLines(name: string, text: string): number[] {
  const r = lintUnitText(name, text, { rules: [invalidBoolean, invalidTimespan, invalidEnum] });
  return [...new Set(r.diagnostics.map((d) => d.line))].sort((a, b) => a - b);
}

describe.skipIf(missing.length > 0)('value rules agree with systemd-analyze verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'composable-lint-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (name: string, lines: string[]): { systemd: number[]; ours: number[]; table: string[] } => {
    const text = `${lines.join('\n')}\n`;
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', timeout: 60_000 });
    return { systemd: rejectedLines(r.stderr ?? '', file), ours: ourLines(name, text), table: lines };
  };
  const show = (res: { systemd: number[]; ours: number[]; table: string[] }) => ({
    systemd: res.systemd.map((n) => `${n}: ${res.table[n - 1]}`),
    ours: res.ours.map((n) => `${n}: ${res.table[n - 1]}`),
  });

  it('booleans and time spans', () => {
    const lines = ['[Service]', 'ExecStart=/bin/true'];
    for (const k of BOOLEAN_KEYS) for (const v of BOOLEAN_VALUES) lines.push(`${k}=${v}`);
    for (const k of TIMESPAN_KEYS) for (const v of TIMESPAN_VALUES) lines.push(`${k}=${v}`);
    const res = check('values-a.service', lines);
    expect(res.systemd.length).toBeGreaterThan(20);
    const shown = show(res);
    expect(shown.ours).toEqual(shown.systemd);
  });

  it('every enumeration of lint/data/enums.ts: each value, an empty value and a wrong one', () => {
    const service = ['[Unit]', 'Description=values'];
    const serviceBody = ['[Service]', 'ExecStart=/bin/true'];
    const socket = ['[Socket]', 'ListenStream=/run/composable-lint-values.sock'];
    for (const [key, spec] of Object.entries(ENUM_DIRECTIVES)) {
      const values = [...spec.values, '', 'bogus-value'];
      if (spec.boolean) values.push('yes', 'no');
      if (spec.numeric) values.push(String(spec.numeric[0]), String(spec.numeric[1]), String(spec.numeric[1] + 1));
      if (spec.prefixes) for (const p of spec.prefixes) values.push(p === 'fd:' ? `${p}name` : `${p}/var/log/x`, `${p}relative`);
      const target = spec.sections?.includes('Socket')
        ? socket
        : spec.sections?.includes('Unit') || ['FailureAction', 'SuccessAction', 'StartLimitAction'].includes(key)
          ? service
          : serviceBody;
      for (const v of values) target.push(`${key}=${v}`);
    }
    const a = check('values-b.service', [...service, ...serviceBody]);
    expect(show(a).ours).toEqual(show(a).systemd);
    writeFileSync(join(dir, 'values-c.service'), '[Service]\nExecStart=/bin/true\n');
    const b = check('values-c.socket', socket);
    expect(show(b).ours).toEqual(show(b).systemd);
    expect(a.systemd.length + b.systemd.length).toBeGreaterThan(40);
  });
});
