import { demoPackage, DEMO_OS_RELEASE, DEMO_SERVICE, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'comments naming existing rules, for the file and for the next line',
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': `# composable-lint-disable=policy/runs-as-root\n${DEMO_SERVICE.replace(
          '[Service]\n',
          '[Service]\n; composable-lint-disable-next-line=unit/unknown-directive, unit/deprecated-directive\nExecStrat=/usr/bin/demo\n',
        )}`,
      }),
    },
  ],
  invalid: [
    {
      name: 'a misspelt rule id in a unit file and a made-up one in os-release',
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': DEMO_SERVICE.replace(
          '[Service]\n',
          '[Service]\n# composable-lint-disable-next-line=unit/unknown-directiv\nExecStrat=/usr/bin/demo\n',
        ),
        'usr/lib/os-release': `${DEMO_OS_RELEASE}# composable-lint-disable=package/os-release-field,package/no-such-rule\n`,
      }),
      expect: [
        'demo/usr/lib/os-release:4:52 "package/no-such-rule" in a composable-lint-disable comment is not a rule; the comment suppresses nothing for it',
        'demo/usr/lib/systemd/system/demo.service:5:37 "unit/unknown-directiv" in a composable-lint-disable comment is not a rule; the comment suppresses nothing for it',
      ],
    },
  ],
};
