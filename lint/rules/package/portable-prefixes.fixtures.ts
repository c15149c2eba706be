import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'no PORTABLE_PREFIXES (defaults to the ID)', files: demoPackage() },
    {
      name: 'prefixes derived from the ID',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nPORTABLE_PREFIXES="demo demo-tools"\n' }),
    },
  ],
  invalid: [
    {
      name: 'a prefix of another name',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nPORTABLE_PREFIXES="demo nginx"\n' }),
      expect: [
        'demo/usr/lib/os-release:4:1 PORTABLE_PREFIXES entry "nginx" does not start with the package ' +
          'name demo; its units could collide with other packages or the container',
      ],
    },
  ],
};
