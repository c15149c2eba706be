import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'distinct names',
      files: metadataFixture({ schemaVersion: 1, services: [demoService()] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'the same service twice',
      files: metadataFixture({ schemaVersion: 1, services: [demoService(), demoService({ profile: 'strict' })] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
      expect: ['root/run/composable/metadata.json:9:15 services[1] repeats service "demo" (first at services[0])'],
    },
  ],
};
