import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

const config = { policy: { allowedProfiles: ['default', 'strict'] as ('default' | 'strict')[], allowedTargets: ['composable.target'] } };

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'allowed profile and target',
      files: metadataFixture({ schemaVersion: 1, services: [demoService({ profile: 'strict', target: 'default' })] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
      config,
    },
  ],
  invalid: [
    {
      name: 'trusted profile, early target',
      files: metadataFixture({ schemaVersion: 1, services: [demoService({ profile: 'trusted', target: 'early' })] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
      config,
      expect: [
        'root/run/composable/metadata.json:7:18 Service "demo": profile trusted is not allowed here (allowed: default, strict)',
        'root/run/composable/metadata.json:8:17 Service "demo": target early (composable-early.target) ' +
          'is not allowed here (allowed: composable.target)',
      ],
    },
  ],
};
