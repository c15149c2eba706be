import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'a package with usr/lib/os-release', files: demoPackage() }],
  invalid: [
    {
      name: 'no os-release at all',
      files: demoPackage({ 'usr/lib/os-release': null }),
      expect: ['demo:1:1 Package has no usr/lib/os-release; the generator skips it'],
    },
    {
      name: 'os-release in etc/ instead of usr/lib/',
      files: demoPackage({ 'usr/lib/os-release': null, 'etc/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\n' }),
      expect: ['demo/etc/os-release:1:1 Package has no usr/lib/os-release, only etc/os-release; the generator reads usr/lib/os-release'],
    },
  ],
};
