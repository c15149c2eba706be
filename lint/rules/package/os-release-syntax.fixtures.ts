import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'quoted and unquoted values, comments',
      files: demoPackage({ 'usr/lib/os-release': '# demo\nNAME="Demo sidecar"\nID=demo\nVERSION_ID=1.0\nPRETTY_NAME=\'Demo 1.0\'\n' }),
    },
  ],
  invalid: [
    {
      name: 'a line without = and an unterminated quote',
      files: demoPackage({
        'usr/lib/os-release': 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\nthis is not an assignment\nHOME_URL="https://example.invalid\n',
      }),
      expect: [
        'demo/usr/lib/os-release:4:1 line is not an assignment: expected KEY=value',
        'demo/usr/lib/os-release:5:10 unterminated double quote in the value',
      ],
    },
  ],
};
