import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a drop-in with a name of its own',
      files: demoPackage({ 'usr/lib/systemd/system/demo.service.d/40-demo.conf': '[Service]\nNice=5\n' }),
    },
  ],
  invalid: [
    {
      name: 'a drop-in named like the generated one',
      files: demoPackage({ 'usr/lib/systemd/system/demo.service.d/zz-composable.conf': '[Service]\nNice=5\n' }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service.d/zz-composable.conf:1:1 Drop-in usr/lib/systemd/system/demo.service.d/zz-composable.conf has the name of the drop-in composable generates; the generator skips the package',
      ],
    },
  ],
};
