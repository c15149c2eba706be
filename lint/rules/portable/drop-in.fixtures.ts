import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

const DROP_IN = { 'usr/lib/systemd/system/demo.service.d/10-limits.conf': '[Service]\nMemoryMax=64M\n' };

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'settings in the unit file itself', files: portableDemo() },
    { name: 'a drop-in in a host-mode package (not a portable image)', files: demoPackage(DROP_IN) },
  ],
  invalid: [
    {
      name: 'a drop-in in a chroot package',
      files: portableDemo(DROP_IN),
      expect: [
        'demo/usr/lib/systemd/system/demo.service.d/10-limits.conf:1:1 portablectl attaches demo.service ' +
          'without this drop-in (10-limits.conf); its settings apply only under the generator',
      ],
    },
  ],
};
