import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: "the type's sections and an X- section",
      files: demoUnit(
        'demo.service',
        '[Unit]\nDescription=Demo\n[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\n[X-Demo]\nAnything=goes\n' +
          '[Install]\nWantedBy=composable.target\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'a misspelt section and a [Socket] section in a service',
      files: demoUnit(
        'demo.service',
        '[Unit]\nDescription=Demo\n[Serivce]\nExecStart=/usr/bin/demo\n[Socket]\nListenStream=/run/demo.sock\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:1 Unknown section [Serivce] in a .service unit; systemd ignores it and all its settings, and the generator skips the package under every profile but trusted',
        'demo/usr/lib/systemd/system/demo.service:5:1 Section [Socket] belongs in a .socket unit, not a .service unit; systemd ignores it here, and the generator skips the package under every profile but trusted',
      ],
    },
  ],
};
