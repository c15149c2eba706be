import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'prefixes, quotes, absolute paths',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStartPre=-/usr/bin/demo --check\nExecStart=/usr/bin/demo --name "two words"\nExecStop=@/usr/bin/demo demo-stop\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a relative path and an unbalanced quote',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=bin/demo --check\nExecStart=/usr/bin/demo "unbalanced\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= does not parse: "bin/demo" is ' +
          'neither an absolute path nor a bare executable name',
        'demo/usr/lib/systemd/system/demo.service:3:25 ExecStart= does not parse: unterminated double quote',
      ],
    },
  ],
};
