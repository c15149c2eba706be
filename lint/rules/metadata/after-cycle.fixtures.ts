import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

const store = {
  'demo-1.0': {},
  'secrets-2': {
    'usr/lib/os-release': 'NAME=Secrets\nID=secrets\nVERSION_ID=2\n',
    'usr/lib/systemd/system/demo.service': null,
    'usr/lib/systemd/system/secrets.service': '[Service]\nExecStart=/usr/bin/demo\n',
  },
};

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a chain',
      files: metadataFixture(
        {
          schemaVersion: 1,
          services: [demoService({ after: ['secrets'] }), { name: 'secrets', source: '/run/composable/store/secrets-2' }],
        },
        store,
      ),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'two services waiting for each other',
      files: metadataFixture(
        {
          schemaVersion: 1,
          services: [demoService({ after: ['secrets'] }), { name: 'secrets', source: '/run/composable/store/secrets-2', after: ['demo'] }],
        },
        store,
      ),
      lint: [METADATA_FILE],
      expect: [
        'root/run/composable/metadata.json:7:16 Service "demo" is part of an `after` cycle: demo -> secrets -> demo',
        'root/run/composable/metadata.json:14:16 Service "secrets" is part of an `after` cycle: demo -> secrets -> demo',
      ],
    },
  ],
};
