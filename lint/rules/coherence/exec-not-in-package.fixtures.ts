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
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nExecStartPre=/bin/mkdir -p /run/demo\nExecStopPost=rm -f /run/demo/pid\n',
      ),
    },
    {
      name: 'programs the site lists in policy.basePrograms, by name and by path',
      config: { policy: { basePrograms: ['curl', '/usr/lib/postgresql/16/bin/pg_isready'] } },
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nExecStartPre=/usr/bin/curl -fsS http://db/\nExecStartPre=/usr/lib/postgresql/16/bin/pg_isready\nExecStartPost=curl -fsS http://up/\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a program in no standard directory and not in the package',
      files: demoUnit('demo.service', '[Service]\nExecStart=/opt/demo/bin/demo\n'),
      expect: ['demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs /opt/demo/bin/demo, which is not in the package'],
    },
    {
      name: 'host mode: a helper next to the package program that the package lacks, and a bare name no base image is documented to have',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStartPre=/usr/bin/demo-setup --init\nExecStart=/usr/bin/demo\nExecReload=curl -X POST http://localhost/reload\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= runs /usr/bin/demo-setup, which is not in the package, and base images are not documented to provide it',
        'demo/usr/lib/systemd/system/demo.service:4:12 ExecReload= runs curl, which is not in the package, and base images are not documented to provide it',
      ],
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
