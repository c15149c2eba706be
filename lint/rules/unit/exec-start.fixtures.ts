import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'one ExecStart=', files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n') },
    {
      name: 'oneshot with two commands',
      files: demoUnit('demo.service', '[Service]\nType=oneshot\nExecStart=/usr/bin/demo --init\nExecStart=/usr/bin/demo --migrate\n'),
    },
    {
      name: 'oneshot with only ExecStop= and RemainAfterExit=',
      files: demoUnit('demo.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/usr/bin/demo --cleanup\n'),
    },
    {
      name: 'ExecStart= reset and replaced by a drop-in',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n', {
        'usr/lib/systemd/system/demo.service.d/10-args.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/demo --verbose\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'Type=simple without ExecStart=',
      files: demoUnit('demo.service', '[Service]\nType=simple\nExecStop=/usr/bin/demo --stop\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:1 Service has no ExecStart=, which only Type=oneshot ' +
          'services may omit; systemd refuses to start it',
      ],
    },
    {
      name: 'two ExecStart= in a simple service',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecStart=/usr/bin/demo --again\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:1 Service has 2 ExecStart= commands, which only ' +
          'Type=oneshot services may have; systemd refuses to start it',
      ],
    },
    {
      name: 'nothing to do',
      files: demoUnit('demo.service', '[Unit]\nDescription=Demo\n[Service]\nDynamicUser=yes\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:1 Service has no ExecStart=, ExecStop= or SuccessAction=; systemd refuses to start it',
      ],
    },
  ],
};
