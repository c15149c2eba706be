import { demoPackage, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a package named after itself, with an extra prefix of its own',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nPORTABLE_PREFIXES="demo demo-tools"\n' }),
    },
  ],
  invalid: [
    {
      name: 'PORTABLE_PREFIXES claiming sshd and multi-user',
      files: demoPackage({ 'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nPORTABLE_PREFIXES="demo sshd multi-user"\n' }),
      expect: [
        'demo/usr/lib/os-release:4:1 PORTABLE_PREFIXES entry "multi-user" overlaps the reserved unit ' +
          'names multi-user; remove it; the generator skips the package (prefix-reserved)',
        'demo/usr/lib/os-release:4:1 PORTABLE_PREFIXES entry "sshd" overlaps the reserved unit names ' +
          'sshd; remove it; the generator skips the package (prefix-reserved)',
      ],
    },
    {
      name: 'a package named composable',
      files: demoPackage({
        'usr/lib/os-release': 'NAME=C\nID=composable\nVERSION_ID=1\n',
        'usr/lib/systemd/system/demo.service': null,
        'usr/lib/systemd/system/composable.service': DEMO_SERVICE,
      }),
      expect: [
        'demo/usr/lib/os-release:2:1 the package name "composable" overlaps the reserved unit names ' +
          "composable* (the generator's composable-early.target, composable.target, composable-late.target); " +
          "its units could replace the container's own. Choose another ID; the generator skips the package " +
          '(name-reserved)',
      ],
    },
    {
      name: 'a unit the base container has (policy baseUnits: ["demo-cron.service"])',
      files: demoPackage({ 'usr/lib/systemd/system/demo-cron.service': DEMO_SERVICE }),
      config: { policy: { baseUnits: ['demo-cron.service'] } },
      expect: [
        'demo/usr/lib/systemd/system/demo-cron.service:1:1 demo-cron.service is a unit the container ' +
          'already has; a package may not replace it. Rename the unit; the generator skips the package ' +
          '(unit-shadows-container)',
      ],
    },
  ],
};
