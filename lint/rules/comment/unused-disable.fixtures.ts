import { demoPackage, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

const ON = { rules: { 'comment/unused-disable': 'warning' as const } };

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'comments that each suppress a finding',
      config: ON,
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': DEMO_SERVICE.replace(
          '[Service]\n',
          '[Service]\n# composable-lint-disable-next-line=unit/unknown-directive\nExecStrat=/usr/bin/demo\n',
        ).replace('DynamicUser=yes\n', '# composable-lint-disable=unit/deprecated-directive\nPermissionsStartOnly=yes\nDynamicUser=yes\n'),
      }),
    },
    {
      name: 'an unused comment when the rule is not turned on',
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': `# composable-lint-disable=policy/runs-as-root\n${DEMO_SERVICE}`,
      }),
    },
  ],
  invalid: [
    {
      name: 'a comment for the whole file and one for the next line that suppress nothing, and one for a finding',
      config: ON,
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': `# composable-lint-disable=policy/runs-as-root\n${DEMO_SERVICE.replace(
          '[Service]\n',
          '[Service]\n# composable-lint-disable-next-line=unit/unknown-directive,unit/invalid-boolean\nExecStrat=/usr/bin/demo\n',
        )}`,
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:1:27 Unused composable-lint-disable comment: no finding of policy/runs-as-root in this file',
        'demo/usr/lib/systemd/system/demo.service:6:60 Unused composable-lint-disable-next-line comment: no finding of unit/invalid-boolean on line 7',
      ],
    },
  ],
};
