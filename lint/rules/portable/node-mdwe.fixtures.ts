import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

const NODE_SCRIPT = { content: '#!/usr/bin/env node\nsetInterval(() => {}, 1000);\n', mode: 0o755 };
const TRUSTED = 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\nCOMPOSABLE_MODE=chroot\nCOMPOSABLE_PROFILE=trusted\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a node program in a chroot package under the trusted profile',
      files: portableDemo({ 'usr/lib/os-release': TRUSTED, 'usr/bin/demo': NODE_SCRIPT }),
    },
    { name: 'a shell program under the default profile', files: portableDemo() },
    {
      name: "a node program in a host-mode package (composable's profiles never set it)",
      files: demoPackage({ 'usr/bin/demo': NODE_SCRIPT }),
    },
  ],
  invalid: [
    {
      name: 'a node program in a chroot package under the default profile',
      files: portableDemo({ 'usr/bin/demo': NODE_SCRIPT }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:5:11 ExecStart= runs usr/bin/demo, a node program; ' +
          'under portablectl the package gets --profile=default, which sets MemoryDenyWriteExecute=yes ' +
          'and kills node at start',
      ],
    },
    {
      name: 'node run directly, with MemoryDenyWriteExecute=yes in the unit',
      files: portableDemo({
        'usr/lib/os-release': TRUSTED,
        'usr/lib/systemd/system/demo.service': '[Service]\nExecStart=/usr/bin/node /usr/lib/demo/main.js\nMemoryDenyWriteExecute=yes\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:11 ExecStart= runs /usr/bin/node, a node program, ' +
          'and this unit sets MemoryDenyWriteExecute=yes, which kills node at start',
      ],
    },
  ],
};
