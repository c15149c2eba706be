import { hostElfMachine } from '../../../sdk/artifact/elf.ts';
import { demoUnit, fakeElf, type RuleFixtures } from '../../testing/fixtures.ts';

const other = hostElfMachine() === 183 ? 62 : 183;

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a script for /bin/sh, an ELF for this machine',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nExecStartPre=/usr/bin/demo-check\n', {
        'usr/bin/demo-check': { content: fakeElf(), mode: 0o755 },
      }),
    },
  ],
  invalid: [
    {
      name: 'an ELF for another architecture, a script whose interpreter is nowhere, a text file',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStartPre=/usr/bin/demo-check\nExecStart=/usr/bin/demo\nExecReload=/usr/bin/demo-reload\n',
        {
          'usr/bin/demo-check': { content: fakeElf({ machine: other }), mode: 0o755 },
          'usr/bin/demo': { content: '#!/opt/python3/bin/python3\nprint("hi")\n', mode: 0o755 },
          'usr/bin/demo-reload': { content: 'kill -HUP 1\n', mode: 0o755 },
        },
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= runs usr/bin/demo-check, an ELF for AArch64; this machine is x86-64',
        'demo/usr/lib/systemd/system/demo.service:3:11 ExecStart= runs usr/bin/demo, a script for /opt/python3/bin/python3, ' +
          'which is neither in the package nor in a standard directory',
        'demo/usr/lib/systemd/system/demo.service:4:12 ExecReload= runs usr/bin/demo-reload, which ' +
          'is neither an ELF program nor a script with a #! line',
      ],
    },
  ],
};
