import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'an executable script', files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n') }],
  invalid: [
    {
      name: 'a program without +x and a directory',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecReload=/usr/lib/demo\n', {
        'usr/bin/demo': { content: '#!/bin/sh\nexec sleep infinity\n', mode: 0o644 },
        'usr/lib/demo': { dir: true },
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs usr/bin/demo, which is not executable (mode 0644)',
        'demo/usr/lib/systemd/system/demo.service:3:12 ExecReload= runs usr/lib/demo, which is a directory',
      ],
    },
  ],
};
