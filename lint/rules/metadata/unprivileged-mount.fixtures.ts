import { demoService, metadataFixture, METADATA_FILE, type RuleFixtures } from '../../testing/fixtures.ts';

const unprivileged = { policy: { unprivileged: true } };

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a store package when the policy does not say the containers run unprivileged',
      files: metadataFixture({ schemaVersion: 1, services: [demoService()] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
    },
    {
      name: 'a package the engine mounts at its stable path, unprivileged',
      files: metadataFixture({ schemaVersion: 1, services: [{ name: 'demo', source: '/opt/composable/demo', profile: 'nonetwork' }] }),
      lint: [METADATA_FILE],
      config: unprivileged,
    },
  ],
  invalid: [
    {
      name: 'a store package in chroot mode with the strict profile, unprivileged',
      files: metadataFixture({ schemaVersion: 1, services: [demoService({ mode: 'chroot', profile: 'strict' })] }, { 'demo-1.0': {} }),
      lint: [METADATA_FILE],
      config: unprivileged,
      expect: [
        'root/run/composable/metadata.json:6:17 Service "demo": source /run/composable/store/demo-1.0 ' +
          'is in the store, and mounting it needs CAP_SYS_ADMIN, which unprivileged containers lack; ' +
          'the generator skips it there',
        'root/run/composable/metadata.json:7:15 Service "demo": mode chroot needs a mount namespace ' +
          '(RootDirectory=), which unprivileged containers cannot make; the generator skips it there',
        'root/run/composable/metadata.json:8:18 Service "demo": profile strict needs a mount namespace, ' +
          'which unprivileged containers cannot make; the generator skips it there',
      ],
    },
  ],
};
