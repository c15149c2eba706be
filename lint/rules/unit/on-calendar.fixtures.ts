import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const timer = (schedule: string): string => `[Unit]\nDescription=Rotate demo logs\n\n[Timer]\n${schedule}\n`;

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'shorthands, weekdays, repetitions, time zones',
      files: demoUnit('demo.timer', timer('OnCalendar=daily\nOnCalendar=Mon..Fri *-*-* 08..18/2:00\nOnCalendar=*-*~01 03:30 UTC')),
    },
  ],
  invalid: [
    {
      name: 'an hour out of range and a weekday after the time',
      files: demoUnit('demo.timer', timer('OnCalendar=*-*-* 25:00\nOnCalendar=12:00 Mon')),
      expect: [
        'demo/usr/lib/systemd/system/demo.timer:5:12 OnCalendar=*-*-* 25:00 is not a calendar expression: hour 25 is out of range (0..23)',
        'demo/usr/lib/systemd/system/demo.timer:6:12 OnCalendar=12:00 Mon is not a calendar expression: ' +
          '"Mon" is out of place: weekdays come first, then the date, then the time',
      ],
    },
  ],
};
