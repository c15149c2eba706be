import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'ordinary modes', files: demoPackage({ 'usr/share/demo/config': { content: 'x=1\n', mode: 0o644 } }) }],
  invalid: [
    {
      name: 'a world-writable file and a setuid program',
      files: demoPackage({
        'usr/share/demo/config': { content: 'x=1\n', mode: 0o666 },
        'usr/bin/demo-helper': { content: '#!/bin/sh\n', mode: 0o4755 },
      }),
      expect: [
        'demo/usr/bin/demo-helper:1:1 usr/bin/demo-helper is setuid (mode 4755); the package is mounted ' +
          'nosuid, so this never works and only adds risk',
        'demo/usr/share/demo/config:1:1 usr/share/demo/config is world-writable (mode 0666)',
      ],
    },
  ],
};
