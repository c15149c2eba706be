import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const chrootOs = 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_MODE=chroot\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: "the package's program, by path and by stable path",
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecReload=/opt/composable/demo/usr/bin/demo --reload\n'),
    },
    {
      name: 'a standard program from the container in host mode',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecStartPre=/bin/mkdir -p /run/demo\n'),
    },
  ],
  invalid: [
    {
      name: 'a program in no standard directory and not in the package',
      files: demoUnit('demo.service', '[Service]\nExecStart=/opt/demo/bin/demo\n'),
      expect: ['demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs /opt/demo/bin/demo, which is not in the package'],
    },
    {
      name: 'a container program in chroot mode',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecStartPre=/bin/mkdir -p /run/demo\n', {
        'usr/lib/os-release': chrootOs,
        'bin/sh': { content: '#!/bin/false\n', mode: 0o755 },
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:14 ExecStartPre= runs /bin/mkdir, which is not ' +
          'in the package; in chroot mode the service sees only the package',
      ],
    },
  ],
};
