// checkCalendar() against `systemd-analyze calendar` as the oracle: for every expression of the
// table, the validator accepts exactly what systemd accepts.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';
import { checkCalendar } from '../../../lint/util/calendar.ts';

const EXPRESSIONS = [
  'daily',
  'Daily',
  'hourly',
  'minutely',
  'weekly',
  'monthly',
  'yearly',
  'annually',
  'quarterly',
  'semiannually',
  'semi-annually',
  'daily UTC',
  'Mon',
  'mon',
  'Monday',
  'MONDAY',
  'Tues',
  'Mon..Fri',
  'Mon,Wed..Fri',
  'Fri..Mon',
  'Mon-Fri',
  'Mon..Mon',
  'Mon,,Tue',
  'Mon,',
  ',Mon',
  'Mon..',
  'Mon Tue 12:00',
  '12:00 Mon',
  '12:00',
  '12:0',
  '1:2:3',
  '24:00',
  '23:60',
  '23:59:60',
  '23:59:59',
  '2023-01-01',
  '23-01-01',
  '69-01-01',
  '70-01-01',
  '99-1-1',
  '100-01-01',
  '999-01-01',
  '1969-01-01',
  '1970-01-01',
  '2199-12-31',
  '2200-01-01',
  '01-01',
  '1-1',
  '*-*',
  '*-*-*',
  '*-*-* *:*:*',
  '*:0/15',
  '*:*',
  '*:0..10/2',
  '0..10/2:00',
  '*-*-1/2',
  '*-02~03',
  '*-02~03/2',
  '*-*~1',
  '*-*~0',
  '*~1',
  '02~03',
  'Mon *-05~07/1',
  '00:00:00.5',
  '00:00:00.123456',
  '00:00:00.1234567',
  '00:00.5',
  '00.5:00',
  '2023-01-01 12:00 UTC',
  '12:00 Europe/Berlin',
  '12:00 Mars/Olympus',
  '12:00 utc',
  '@1700000000',
  '@1700000000 UTC',
  '@abc',
  '@',
  '*-*-31',
  '*-2-30',
  '*-13-01',
  '*-0-01',
  '*-*-0',
  '*-*-32',
  '1,2,3:00',
  '*:00/0',
  '*:00/59',
  '*:00/60',
  '*:00/61',
  '*/2:00',
  '*/23:00',
  '*/24:00',
  'Sat,Sun 20..22:00',
  '2023-01-01T12:00',
  '2023-01-01 12:00:00Z',
  'Mon..Fri *-*-* 0/2:00',
  '2023..2025-01-01',
  '2023/2-01-01',
  '*-1..3,5-1',
  '08..17:*',
  '8..17/2:00',
  '17..8:00',
  '5..5:00',
  '*,5:00',
  '5,*:00',
  '*..5:00',
  '*-*-* 12:00 UTC',
  'Mon UTC',
  'UTC',
  '12:00 UTC UTC',
  '12:00:00:00',
  '12',
  '-1-1',
  '*-*-*-*',
  '2023-01-01-01',
  '1..3/2:00',
  '0..23/23:00',
  '0..23/24:00',
  '2023-01-1/31',
  '2023-01-1/30',
  '*:*:0/59',
  '*:*:0/60',
  '*:*:0.5/1',
  '*:*:0/0.5',
  '*-*-* *:*:00.000001',
  '+12:00',
  '-12:00',
  '12:00 +01:00',
  '12:00 CET',
  '12:00 Etc/GMT+1',
  'monday..friday',
  'Mo',
  'Mon-',
  'Mon/2',
  '*:0..10/60',
  '*:0..10/100',
  '*:0..10/0',
  '0/23:00',
  '0/24:00',
  '5/20:00',
  '5/19:00',
  '*-*-1/30',
  '*-*-1/31',
  '*-1/11-1',
  '*-1/12-1',
  '2023/200-01-01',
  '2100/99-1-1',
  '2100/100-1-1',
  '*:*:0/59.5',
  '*:*:0.5/59',
  '*:*:59.5',
  '*:*:59.9999999',
  '*:*:0/59.9999999',
  '*:*:59.9999994',
];

const missing = missingRequirements([requirement.systemdAnalyze], 'calendar expressions against systemd-analyze calendar');

describe('checkCalendar', () => {
  it('explains what is wrong', () => {
    expect(checkCalendar('*-*-* 25:00')).toEqual({ ok: false, message: 'hour 25 is out of range (0..23)' });
    expect(checkCalendar('Fri..Mon')).toMatchObject({ ok: false, message: expect.stringContaining('backwards') });
    expect(checkCalendar('Mon..Fri *-*-* 08..18/2:00')).toEqual({ ok: true });
  });
});

describe.skipIf(missing.length > 0)('checkCalendar agrees with systemd-analyze calendar', () => {
  it(`on ${EXPRESSIONS.length} expressions`, () => {
    const disagreements: string[] = [];
    let accepted = 0;
    for (const e of EXPRESSIONS) {
      const r = spawnSync('systemd-analyze', ['calendar', e], { encoding: 'utf8', timeout: 30_000 });
      const systemd = r.status === 0;
      if (systemd) accepted++;
      const ours = checkCalendar(e);
      if (ours.ok !== systemd)
        disagreements.push(
          `${JSON.stringify(e)}: systemd ${systemd ? 'accepts' : 'rejects'}, we ${ours.ok ? 'accept' : `reject (${ours.message})`}`,
        );
    }
    expect(disagreements).toEqual([]);
    // The table has both kinds in good measure.
    expect(accepted).toBeGreaterThan(40);
    expect(EXPRESSIONS.length - accepted).toBeGreaterThan(40);
  }, 60_000);
});
