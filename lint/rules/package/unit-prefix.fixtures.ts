import { demoPackage, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

const timer = '[Unit]\nDescription=Rotate\n\n[Timer]\nOnCalendar=daily\nUnit=demo.service\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'name.type, name-x, name@ and a declared extra prefix',
      files: demoPackage({
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nPORTABLE_PREFIXES="demo demo2"\n',
        'usr/lib/systemd/system/demo-rotate.timer': timer,
        'usr/lib/systemd/system/demo@.service': DEMO_SERVICE,
        'usr/lib/systemd/system/demo2.service': DEMO_SERVICE,
      }),
    },
  ],
  invalid: [
    {
      name: 'a unit without the prefix',
      files: demoPackage({ 'usr/lib/systemd/system/rotate.timer': timer }),
      expect: [
        'demo/usr/lib/systemd/system/rotate.timer:1:1 Unit rotate.timer does not carry the package prefix ("demo"); the generator skips the package',
      ],
    },
  ],
};
