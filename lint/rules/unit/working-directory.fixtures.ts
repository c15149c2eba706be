import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'absolute, ~, a specifier, optional',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nWorkingDirectory=-/var/lib/demo\n', {
        'usr/lib/systemd/system/demo.service.d/10-wd.conf': '[Service]\nWorkingDirectory=%S/demo\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a relative directory',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nWorkingDirectory=var/lib/demo\n'),
      expect: ['demo/usr/lib/systemd/system/demo.service:3:18 WorkingDirectory=var/lib/demo is not an absolute path'],
    },
  ],
};
