import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: "base units and the package's own",
      files: demoUnit(
        'demo.service',
        '[Unit]\nAfter=network-online.target demo.socket\nWants=network-online.target\n[Service]\nExecStart=/usr/bin/demo\n',
        { 'usr/lib/systemd/system/demo.socket': '[Socket]\nListenStream=/run/demo.sock\n' },
      ),
    },
    {
      name: 'a unit the site declares as base',
      files: demoUnit('demo.service', '[Unit]\nAfter=postgresql.service\n[Service]\nExecStart=/usr/bin/demo\n'),
      config: { policy: { baseUnits: ['postgresql.service'] } },
    },
  ],
  invalid: [
    {
      name: 'Requires= and After= on units nobody ships',
      files: demoUnit(
        'demo.service',
        '[Unit]\nRequires=postgresql.service\nAfter=postgresql.service redis.service\n[Service]\nExecStart=/usr/bin/demo\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:10 Requires=postgresql.service: no such unit in ' +
          'the package or a base container; starting this unit will fail without it',
        'demo/usr/lib/systemd/system/demo.service:3:7 After=postgresql.service: no such unit in the ' +
          'package or a base container; the dependency does nothing without it',
        'demo/usr/lib/systemd/system/demo.service:3:7 After=redis.service: no such unit in the package ' +
          'or a base container; the dependency does nothing without it',
      ],
    },
  ],
};
