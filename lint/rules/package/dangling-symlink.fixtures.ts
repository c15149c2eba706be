import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [{ name: 'a link to a file that exists', files: demoPackage({ 'usr/bin/demo-run': { symlink: 'demo' } }) }],
  invalid: [
    {
      name: 'a link to a missing file and a loop',
      files: demoPackage({ 'usr/bin/demo-old': { symlink: 'demo-v0' }, 'usr/bin/a': { symlink: 'b' }, 'usr/bin/b': { symlink: 'a' } }),
      expect: [
        'demo/usr/bin/a:1:1 Symlink usr/bin/a -> b is part of a loop',
        'demo/usr/bin/b:1:1 Symlink usr/bin/b -> a is part of a loop',
        'demo/usr/bin/demo-old:1:1 Symlink usr/bin/demo-old -> demo-v0 points to nothing in the package',
      ],
    },
  ],
};
