import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: "only the package's own program", files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n') },
    {
      name: 'a program no base image is documented to have (coherence/exec-not-in-package reports it)',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=/usr/bin/demo-setup\nExecStart=/usr/bin/demo\n'),
    },
  ],
  invalid: [
    {
      name: 'mkdir from the container',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=/bin/mkdir -p /run/demo\nExecStart=/usr/bin/demo\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= runs /bin/mkdir from the container; the package does not ship it',
      ],
    },
  ],
};
