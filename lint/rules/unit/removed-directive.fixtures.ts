import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'current settings',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n'),
    },
  ],
  invalid: [
    {
      name: 'Capabilities= and SysVStartPriority=',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nCapabilities=cap_net_bind_service+ep\nSysVStartPriority=10\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:1 Support for Capabilities= has been removed from systemd; it is ignored',
        'demo/usr/lib/systemd/system/demo.service:4:1 Support for SysVStartPriority= has been removed from systemd; it is ignored',
      ],
    },
  ],
};
