import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'current names',
      files: demoUnit(
        'demo.service',
        '[Unit]\nStartLimitIntervalSec=10\nStartLimitBurst=3\n[Service]\nExecStart=/usr/bin/demo\nMemoryMax=1G\nStandardOutput=journal\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'an old name, a setting that moved to [Unit], an obsolete value',
      files: demoUnit(
        'demo.service',
        '[Unit]\nBindTo=demo-helper.service\n[Service]\nExecStart=/usr/bin/demo\nStartLimitBurst=3\nMemoryLimit=1G\nStandardOutput=syslog\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:1 BindTo= is deprecated; use BindsTo=',
        'demo/usr/lib/systemd/system/demo.service:5:1 StartLimitBurst= in [Service] is deprecated; it belongs in [Unit] as StartLimitBurst=',
        'demo/usr/lib/systemd/system/demo.service:6:1 MemoryLimit= is deprecated; use MemoryMax=',
        'demo/usr/lib/systemd/system/demo.service:7:16 StandardOutput=syslog is deprecated; use journal',
      ],
    },
  ],
};
