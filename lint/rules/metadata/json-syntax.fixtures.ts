import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'valid JSON',
      files: metadataFixture({ schemaVersion: 1, services: [demoService()] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'a trailing comma',
      files: metadataFixture('{\n  "schemaVersion": 1,\n  "services": [],\n}\n'),
      lint: [METADATA_FILE],
      expect: ['root/run/composable/metadata.json:4:1 Metadata is not valid JSON: expected a string, found "}"'],
    },
  ],
};
