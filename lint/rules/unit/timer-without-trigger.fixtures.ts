import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'a timer with OnUnitActiveSec=', files: demoUnit('demo.timer', '[Timer]\nOnBootSec=1min\nOnUnitActiveSec=15min\n') }],
  invalid: [
    {
      name: 'a timer with no trigger',
      files: demoUnit('demo.timer', '[Unit]\nDescription=Demo\n\n[Timer]\nAccuracySec=1s\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.timer:4:1 Timer has no OnCalendar=, OnActiveSec=, OnBootSec=, ' +
          'OnUnitActiveSec= or similar setting; systemd refuses to load it',
      ],
    },
  ],
};
