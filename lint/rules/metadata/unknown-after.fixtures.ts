import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

const secrets = { name: 'secrets', source: '/run/composable/store/secrets-2' };
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
      name: 'after a listed service',
      files: metadataFixture({ schemaVersion: 1, services: [demoService({ after: ['secrets'] }), secrets] }, store),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'a misspelt name',
      files: metadataFixture({ schemaVersion: 1, services: [demoService({ after: ['secret'] }), secrets] }, store),
      lint: [METADATA_FILE],
      expect: ['root/run/composable/metadata.json:8:9 services[0].after names "secret", which is not a service in this metadata'],
    },
  ],
};
