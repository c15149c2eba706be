import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

const policy = { policy: { allowedProfiles: ['default', 'strict', 'nonetwork'] as ('default' | 'strict' | 'nonetwork')[] } };

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'no policy', files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=trusted\n' }) },
    { name: 'an allowed profile (default when unset)', files: demoPackage(), config: policy },
  ],
  invalid: [
    {
      name: 'trusted where the policy forbids it',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=trusted\n' }),
      config: policy,
      expect: ['demo/usr/lib/os-release:4:1 Profile trusted is not allowed here (allowed: default, strict, nonetwork)'],
    },
  ],
};
