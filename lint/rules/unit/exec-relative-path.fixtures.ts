import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'an absolute path', files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n') }],
  invalid: [
    {
      name: 'a plain program name',
      files: demoUnit('demo.service', '[Service]\nExecStart=demo --serve\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs "demo" without a path; systemd searches the container\'s PATH for it',
      ],
    },
  ],
};
