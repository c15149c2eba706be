import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'required fields and known COMPOSABLE_ fields',
      files: demoPackage({
        'usr/lib/os-release':
          'NAME=Demo\nID=demo\nVERSION_ID=1.0\nCOMPOSABLE_TARGET=early\nCOMPOSABLE_MODE=host\nCOMPOSABLE_PROFILE=strict\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'VERSION_ID missing, a misspelt COMPOSABLE_ field',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nCOMPOSABLE_PROFILES=strict\n' }),
      expect: [
        'demo/usr/lib/os-release:1:1 VERSION_ID= is missing from os-release',
        'demo/usr/lib/os-release:3:1 Unknown field COMPOSABLE_PROFILES=; composable reads only COMPOSABLE_TARGET, ' +
          'COMPOSABLE_MODE, COMPOSABLE_PROFILE',
      ],
    },
    {
      name: 'invalid values',
      files: demoPackage({
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1.0\nCOMPOSABLE_MODE=jail\nCOMPOSABLE_TARGET=sometime\n',
      }),
      expect: [
        'demo/usr/lib/os-release:4:1 COMPOSABLE_MODE=jail must be one of "host", "chroot"',
        'demo/usr/lib/os-release:5:1 COMPOSABLE_TARGET=sometime must be early, default, late or a unit name ending in .target',
      ],
    },
  ],
};
