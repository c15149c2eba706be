import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'name, version and units match',
      files: metadataFixture(
        { schemaVersion: 1, services: [demoService({ version: '1.0', units: ['demo.service'] })] },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'a stale version, a wrong digest and a unit the package lacks',
      files: metadataFixture(
        {
          schemaVersion: 1,
          services: [demoService({ version: '0.9', digest: `sha256:${'0'.repeat(64)}`, units: ['demo.service', 'demo-rotate.timer'] })],
        },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
      expect: [
        'root/run/composable/metadata.json:7:18 Service "demo": version 0.9 but the package has VERSION_ID=1.0',
        'root/run/composable/metadata.json:8:17 Service "demo": digest does not match the package (sha256:ee76f7f639af51ad77f7e558c4ab607699277761c401054394615ab01a7f1e19)',
        'root/run/composable/metadata.json:11:9 Service "demo": unit demo-rotate.timer is not in the package',
      ],
    },
  ],
};
