import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'DynamicUser=yes', files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\n') },
    {
      name: 'User= set in a drop-in',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n', {
        'usr/lib/systemd/system/demo.service.d/10-user.conf': '[Service]\nUser=demo\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'no User=',
      files: demoUnit('demo.service', '[Unit]\nDescription=Demo\n\n[Service]\nExecStart=/usr/bin/demo\n'),
      expect: ['demo/usr/lib/systemd/system/demo.service:4:1 Service demo.service runs as root: it sets neither User= nor DynamicUser=yes'],
    },
    {
      name: 'User=root',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nUser=root\n'),
      expect: ['demo/usr/lib/systemd/system/demo.service:3:6 Service demo.service runs as root (User=root)'],
    },
  ],
};
