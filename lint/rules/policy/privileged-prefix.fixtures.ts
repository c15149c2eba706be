import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'ordinary prefixes',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=-/usr/bin/demo --check\nExecStart=/usr/bin/demo\n'),
    },
  ],
  invalid: [
    {
      name: '+ and ! in a trusted package',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=+/usr/bin/demo --setup\nExecStart=!/usr/bin/demo\n', {
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=trusted\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= runs "/usr/bin/demo" with full ' +
          'privileges (prefix +): outside the sandbox, as root',
        'demo/usr/lib/systemd/system/demo.service:3:11 ExecStart= runs "/usr/bin/demo" without changing the user (prefix !)',
      ],
    },
  ],
};
