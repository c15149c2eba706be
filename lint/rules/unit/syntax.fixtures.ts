import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'comments, continuation lines, blank lines',
      files: demoUnit(
        'demo.service',
        '# demo\n[Unit]\nDescription=Demo \\\n  sidecar\n\n[Service]\n; comment\nExecStart=/usr/bin/demo\nDynamicUser=yes\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'an assignment before any section and a line without =',
      files: demoUnit('demo.service', 'Description=Demo\n[Service]\nExecStart=/usr/bin/demo\nDynamicUser yes\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:1:1 assignment outside of any section; put it below a [Section] header',
        'demo/usr/lib/systemd/system/demo.service:4:1 line is not an assignment: expected Key=value or a [Section]',
      ],
    },
  ],
};
