import { demoUnit, fakeElf, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

const SERVICE = '[Service]\nExecStart=/usr/bin/demo\nExecStartPost=/usr/bin/demo-tool\nExecReload=/usr/bin/demo-reload\n';
const ENV_NODE = { content: '#!/usr/bin/env node\nconsole.log("hi")\n', mode: 0o755 };

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a shell script with the shell inside, a static program, a node script with node inside',
      files: portableDemo({
        'usr/lib/systemd/system/demo.service': SERVICE,
        'bin/sh': { content: fakeElf(), mode: 0o755 },
        'usr/bin/demo-tool': { content: fakeElf(), mode: 0o755 },
        'usr/bin/demo-reload': ENV_NODE,
        'usr/bin/env': { content: fakeElf(), mode: 0o755 },
        'usr/bin/node': { content: fakeElf(), mode: 0o755 },
      }),
    },
    {
      name: 'a host-mode package: programs come from the container',
      files: demoUnit('demo.service', SERVICE, {
        'usr/bin/demo-tool': { content: fakeElf({ interpreter: '/lib64/ld-linux-x86-64.so.2' }), mode: 0o755 },
        'usr/bin/demo-reload': ENV_NODE,
      }),
    },
  ],
  invalid: [
    {
      name: 'a chroot package: a dynamic program without its loader, env without node',
      files: portableDemo({
        'usr/lib/systemd/system/demo.service': SERVICE,
        'bin/sh': { content: fakeElf(), mode: 0o755 },
        'usr/bin/demo-tool': { content: fakeElf({ interpreter: '/lib64/ld-linux-x86-64.so.2' }), mode: 0o755 },
        'usr/bin/demo-reload': ENV_NODE,
        'usr/bin/env': { content: fakeElf(), mode: 0o755 },
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:15 ExecStartPost= runs usr/bin/demo-tool, dynamically ' +
          'linked with the loader /lib64/ld-linux-x86-64.so.2, which the image does not have',
        'demo/usr/lib/systemd/system/demo.service:4:12 ExecReload= runs usr/bin/demo-reload, which ' +
          'asks /usr/bin/env for node, which the image does not have on PATH',
      ],
    },
    {
      name: 'a host-mode package checked as portable: its /bin/sh script',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\n'),
      config: { policy: { portable: true } },
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs usr/bin/demo, a script for /bin/sh, which the image does not have',
      ],
    },
  ],
};
