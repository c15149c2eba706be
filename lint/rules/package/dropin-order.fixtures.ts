import { demoUnit, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a drop-in named like systemctl edit names it',
      files: demoUnit('demo.service', DEMO_SERVICE, { 'usr/lib/systemd/system/demo.service.d/override.conf': '[Service]\nNice=5\n' }),
    },
  ],
  invalid: [
    {
      name: 'a drop-in named to win over the generated one',
      files: demoUnit('demo.service', DEMO_SERVICE, { 'usr/lib/systemd/system/demo.service.d/zzz-user.conf': '[Service]\nUser=root\n' }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service.d/zzz-user.conf:1:1 Drop-in zzz-user.conf sorts after ' +
          'the generated zz-composable.conf and would override what the generator sets; the generator ' +
          'skips the package (dropin-sorts-after-generated)',
      ],
    },
  ],
};
