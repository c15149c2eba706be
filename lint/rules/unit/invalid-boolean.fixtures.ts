import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'yes/no/true/off/1',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\nNoNewPrivileges=true\nPrivateTmp=1\nRemainAfterExit=off\nPrivateDevices=No\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'maybe, enabled and an empty value',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nNoNewPrivileges=maybe\nPrivateTmp=enabled\nDynamicUser=\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:17 NoNewPrivileges=maybe is not a boolean; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:4:12 PrivateTmp=enabled is not a boolean; systemd ignores the line',
        'demo/usr/lib/systemd/system/demo.service:5:1 DynamicUser= is not a boolean; systemd ignores the line',
      ],
    },
  ],
};
