import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'known keys and X- keys',
      files: demoUnit(
        'demo.service',
        '[Unit]\nDescription=Demo\nX-Owner=team-a\n[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\nProtectSystem=strict\n',
      ),
    },
    {
      name: "a removed key is unit/removed-directive's, not this rule's",
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nCapabilities=cap_net_admin+ep\n'),
    },
  ],
  invalid: [
    {
      name: 'a typo, a key of another section, a key of another unit type',
      files: demoUnit(
        'demo.service',
        '[Unit]\nDescription=Demo\n[Service]\nExecStart=/usr/bin/demo\nProtectSytem=strict\nWantedBy=multi-user.target\nListenStream=8080\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:5:1 Unknown key ProtectSytem= in section [Service]; systemd ignores it, and the generator skips the package under every profile but trusted',
        'demo/usr/lib/systemd/system/demo.service:6:1 Unknown key WantedBy= in section [Service]; systemd ignores it, and the generator skips the package under every profile but trusted',
        'demo/usr/lib/systemd/system/demo.service:7:1 Unknown key ListenStream= in section [Service]; systemd ignores it, and the generator skips the package under every profile but trusted',
      ],
    },
    {
      name: 'an unknown key in [Install]: enablement ignores it, PID 1 never reads it, so the package is not refused',
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\n[Install]\nWantedBy=multi-user.target\nWantedBi=default.target\n',
      ),
      expect: ['demo/usr/lib/systemd/system/demo.service:5:1 Unknown key WantedBi= in section [Install]; systemd ignores it'],
    },
  ],
};
