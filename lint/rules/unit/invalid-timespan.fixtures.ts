import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'seconds, units, combinations, infinity',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nRestartSec=5\nTimeoutStartSec=1min 30s\nTimeoutStopSec=infinity\nWatchdogSec=500ms\nRuntimeMaxSec=2h\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a word, an unknown unit and an empty value',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nRestartSec=soon\nTimeoutStartSec=5 minutes later\nWatchdogSec=\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:12 RestartSec=soon is not a time span; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:4:17 TimeoutStartSec=5 minutes later is not a time span; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:5:1 WatchdogSec= needs a time span; an empty value is an error for this setting',
      ],
    },
  ],
};
