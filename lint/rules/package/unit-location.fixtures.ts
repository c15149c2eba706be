import { demoPackage, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'units in usr/lib/systemd/system/', files: demoPackage() },
    {
      name: 'an example unit under usr/share/doc is left alone',
      files: demoPackage({ 'usr/share/doc/demo/examples/demo.service': DEMO_SERVICE }),
    },
  ],
  invalid: [
    {
      name: 'a unit in etc/systemd/system/',
      files: demoPackage({ 'etc/systemd/system/demo-extra.service': DEMO_SERVICE }),
      expect: [
        'demo/etc/systemd/system/demo-extra.service:1:1 Unit file etc/systemd/system/demo-extra.service ' +
          'is outside usr/lib/systemd/system/; the generator never reads it',
      ],
    },
    {
      name: 'no units at all',
      files: demoPackage({ 'usr/lib/systemd/system/demo.service': null }),
      expect: ['demo:1:1 Package has no unit files in usr/lib/systemd/system/; there is nothing to start'],
    },
  ],
};
