import { demoPackage, fakeElf, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'executable script and a shared library without +x',
      files: demoPackage({ 'usr/lib/demo/libdemo.so.1': { content: fakeElf(), mode: 0o644 } }),
    },
  ],
  invalid: [
    {
      name: 'a script and an ELF program without +x',
      files: demoPackage({
        'usr/bin/demo': { content: '#!/bin/sh\nexec sleep infinity\n', mode: 0o644 },
        'usr/libexec/demo/helper': { content: fakeElf(), mode: 0o644 },
      }),
      expect: [
        'demo/usr/bin/demo:1:1 usr/bin/demo is a script but not executable (mode 0644)',
        'demo/usr/libexec/demo/helper:1:1 usr/libexec/demo/helper is an ELF executable but not executable (mode 0644)',
      ],
    },
  ],
};
