import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'a unit with settings', files: demoPackage() }],
  invalid: [
    {
      name: 'an empty unit and a comment-only drop-in',
      files: demoPackage({
        'usr/lib/systemd/system/demo-idle.service': '',
        'usr/lib/systemd/system/demo.service.d/10-x.conf': '# nothing yet\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo-idle.service:1:1 Unit file demo-idle.service has no settings',
        'demo/usr/lib/systemd/system/demo.service.d/10-x.conf:1:1 Drop-in 10-x.conf has no settings',
      ],
    },
  ],
};
