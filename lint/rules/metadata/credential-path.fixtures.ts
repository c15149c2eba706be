import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: "below the service's own directory",
      files: metadataFixture(
        { schemaVersion: 1, services: [demoService({ credentials: { token: '/run/composable/credentials/demo/token' } })] },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: "a path in /etc and one in another service's directory",
      files: metadataFixture(
        {
          schemaVersion: 1,
          services: [demoService({ credentials: { token: '/etc/demo/token', key: '/run/composable/credentials/vault/key' } })],
        },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
      expect: [
        'root/run/composable/metadata.json:8:18 services[0].credentials.token is /etc/demo/token, outside /run/composable/credentials/',
        'root/run/composable/metadata.json:9:16 services[0].credentials.key is /run/composable/credentials/vault/key, ' +
          'in the directory of service "vault", not "demo"',
      ],
    },
  ],
};
