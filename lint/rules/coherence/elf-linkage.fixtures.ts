import { demoUnit, fakeElf, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'a script is not an ELF program', files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n') }],
  invalid: [
    {
      name: 'a static and a dynamic program',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=/usr/bin/demo-check\nExecStart=/usr/bin/demo\n', {
        'usr/bin/demo-check': { content: fakeElf(), mode: 0o755 },
        'usr/bin/demo': { content: fakeElf({ interpreter: '/lib64/ld-linux-x86-64.so.2' }), mode: 0o755 },
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 usr/bin/demo-check is a statically linked x86-64 program',
        'demo/usr/lib/systemd/system/demo.service:3:11 usr/bin/demo is dynamically linked (/lib64/ld-linux-x86-64.so.2); ' +
          'in host mode the container must provide its shared libraries',
      ],
    },
  ],
};
