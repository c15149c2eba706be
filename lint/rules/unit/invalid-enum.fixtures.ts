import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'valid words, a boolean where one is allowed, file: output',
      files: demoUnit(
        'demo.service',
        '[Service]\nType=notify\nExecStart=/usr/bin/demo\nRestart=on-failure\nKillMode=mixed\nProtectSystem=yes\n' +
          'ProtectHome=read-only\nStandardOutput=append:/var/log/demo.log\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a misspelt Type=, an unknown Restart= and a relative file: output',
      files: demoUnit('demo.service', '[Service]\nType=simpel\nExecStart=/usr/bin/demo\nRestart=sometimes\nStandardOutput=file:demo.log\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:6 Type=simpel is not a valid value; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:4:9 Restart=sometimes is not a valid value; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:5:16 StandardOutput=file:demo.log is not a valid value; systemd ignores the line',
      ],
    },
  ],
};
