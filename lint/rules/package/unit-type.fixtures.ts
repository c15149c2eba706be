import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'service, socket and a drop-in directory',
      files: demoPackage({
        'usr/lib/systemd/system/demo.socket': '[Socket]\nListenStream=/run/demo.sock\n',
        'usr/lib/systemd/system/demo.service.d/10-env.conf': '[Service]\nEnvironment=A=1\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a .mount unit and a stray README',
      files: demoPackage({
        'usr/lib/systemd/system/demo-data.mount': '[Mount]\nWhat=/dev/vdb\nWhere=/demo/data\n',
        'usr/lib/systemd/system/README': 'units for demo\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/README:1:1 README in usr/lib/systemd/system/ is not a unit file; systemd ignores it',
        'demo/usr/lib/systemd/system/demo-data.mount:1:1 Packages cannot ship .mount units (demo-data.mount); the generator skips the package',
      ],
    },
  ],
};
