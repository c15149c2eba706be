import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

const policy = { policy: { allowedTargets: ['composable.target', 'composable-late.target'] } };

export const fixtures: RuleFixtures = {
  valid: [{ name: 'the default target', files: demoPackage(), config: policy }],
  invalid: [
    {
      name: 'early where the policy forbids it',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_TARGET=early\n' }),
      config: policy,
      expect: [
        'demo/usr/lib/os-release:4:1 COMPOSABLE_TARGET=early (composable-early.target) is not allowed ' +
          'here (allowed: composable.target, composable-late.target)',
      ],
    },
  ],
};
