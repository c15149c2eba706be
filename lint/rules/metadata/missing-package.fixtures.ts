import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'the package is in the store',
      files: metadataFixture({ schemaVersion: 1, services: [demoService()] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
    },
    {
      name: 'a package the engine mounts at its stable path when the container starts',
      files: metadataFixture({ schemaVersion: 1, services: [{ name: 'web', source: '/opt/composable/web' }] }, {}),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'a missing source, a source outside the store, a directory that is not a package',
      files: {
        ...metadataFixture(
          {
            schemaVersion: 1,
            services: [demoService(), { name: 'logs', source: '/srv/logs' }, { name: 'tools', source: '/run/composable/store/tools' }],
          },
          {},
        ),
        'root/run/composable/store/tools/README': 'not a package\n',
      },
      lint: [METADATA_FILE],
      expect: [
        'root/run/composable/metadata.json:6:17 Service "demo": source /run/composable/store/demo-1.0 does not exist',
        'root/run/composable/metadata.json:10:17 Service "logs": source /srv/logs is outside the store ' +
          '/run/composable/store/; the generator skips it',
        'root/run/composable/metadata.json:14:17 Service "tools": source /run/composable/store/tools is not a package (no usr/lib/os-release)',
      ],
    },
    {
      name: 'something that is not a package at a stable path',
      files: {
        ...metadataFixture({ schemaVersion: 1, services: [{ name: 'web', source: '/opt/composable/web' }] }, {}),
        'root/opt/composable/web/README': 'not a package\n',
      },
      lint: [METADATA_FILE],
      expect: ['root/run/composable/metadata.json:6:17 Service "web": source /opt/composable/web is not a package (no usr/lib/os-release)'],
    },
  ],
};
