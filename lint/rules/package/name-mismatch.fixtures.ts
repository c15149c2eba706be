import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

const CHROOT_OS_RELEASE = 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\nCOMPOSABLE_MODE=chroot\n';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'directory named after the ID', files: demoPackage() },
    { name: "directory named ID-VERSION (the store's naming) in host mode", files: demoPackage({}, 'demo-1.0'), lint: ['demo-1.0'] },
    {
      name: 'chroot package named ID_VERSION, as portablectl takes it',
      files: demoPackage({ 'usr/lib/os-release': CHROOT_OS_RELEASE }, 'demo_1.0'),
      lint: ['demo_1.0'],
    },
  ],
  invalid: [
    {
      name: 'directory named differently',
      files: demoPackage({}, 'sidecar'),
      lint: ['sidecar'],
      expect: ['sidecar/usr/lib/os-release:2:1 Package is named "sidecar" but its os-release says ID=demo'],
    },
    {
      name: 'chroot package named ID-VERSION',
      files: demoPackage({ 'usr/lib/os-release': CHROOT_OS_RELEASE }, 'demo-1.0'),
      lint: ['demo-1.0'],
      expect: [
        'demo-1.0/usr/lib/os-release:2:1 Package is named "demo-1.0", from which portablectl derives the unit prefix "demo-1.0", not ID=demo',
      ],
    },
  ],
};
