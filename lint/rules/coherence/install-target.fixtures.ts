import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'composable and multi-user targets',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n[Install]\nWantedBy=composable-late.target multi-user.target\n'),
    },
    {
      name: "the package's own target",
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n[Install]\nWantedBy=demo.target\n', {
        'usr/lib/systemd/system/demo.target': '[Unit]\nDescription=Demo\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'sysinit.target',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n[Install]\nWantedBy=sysinit.target\nRequiredBy=nginx.service\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:4:10 WantedBy=sysinit.target: packages start in their composable target, not in sysinit.target',
        'demo/usr/lib/systemd/system/demo.service:5:12 RequiredBy=nginx.service: packages start in their composable target, not in nginx.service',
      ],
    },
    {
      name: 'a target outside the site policy',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n[Install]\nWantedBy=multi-user.target\n'),
      config: { policy: { allowedTargets: ['composable.target', 'composable-late.target'] } },
      expect: ['demo/usr/lib/systemd/system/demo.service:4:10 WantedBy=multi-user.target is not a target the site policy allows'],
    },
  ],
};
