import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const unit = '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\nProtectProc=invisible\nProtectClock=yes\n';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'no minimum set', files: demoUnit('demo.service', unit) },
    { name: 'settings older than the minimum', files: demoUnit('demo.service', unit), config: { policy: { minSystemdVersion: 247 } } },
  ],
  invalid: [
    {
      name: 'settings newer than systemd 245',
      files: demoUnit('demo.service', unit),
      config: { policy: { minSystemdVersion: 245 } },
      expect: ['demo/usr/lib/systemd/system/demo.service:4:1 ProtectProc= needs systemd 247 or newer; systemd 245 ignores it'],
    },
  ],
};
