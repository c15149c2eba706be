import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a complete service',
      files: metadataFixture(
        {
          schemaVersion: 1,
          container: { id: 'web.1' },
          services: [demoService({ version: '1.0', target: 'early', profile: 'strict', environment: { LOG_LEVEL: 'debug' } })],
        },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
    },
  ],
  invalid: [
    {
      name: 'a wrong type, an invalid target and an unknown key',
      files: metadataFixture(
        { schemaVersion: 1, services: [demoService({ target: 'sometime', enviroment: { A: '1' }, units: 'demo.service' })] },
        { 'demo-1.0': {} },
      ),
      lint: [METADATA_FILE],
      expect: [
        'root/run/composable/metadata.json:7:17 services[0].target: must be early, default, late or a unit name ending in .target',
        'root/run/composable/metadata.json:8:7 services[0].enviroment: unknown key "enviroment"',
        'root/run/composable/metadata.json:11:16 services[0].units: expected array',
      ],
    },
  ],
};
