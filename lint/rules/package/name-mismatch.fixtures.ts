import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'directory named after the ID', files: demoPackage() },
    { name: 'directory named ID-VERSION', files: demoPackage({}, 'demo-1.0'), lint: ['demo-1.0'] },
  ],
  invalid: [{ name: 'directory named differently', files: demoPackage({}, 'sidecar'), lint: ['sidecar'], expect: [
        'sidecar/usr/lib/os-release:2:1 Package is named "sidecar" but its os-release says ID=demo',
      ] }],
};
