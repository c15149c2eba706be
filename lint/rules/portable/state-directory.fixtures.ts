import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

const SERVICE = '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\nStateDirectory=demo\nCacheDirectory=demo\nLogsDirectory=demo\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'each directory has its mount point in the image',
      files: portableDemo({
        'usr/lib/systemd/system/demo.service': SERVICE,
        'var/lib/demo': { dir: true },
        'var/cache/demo': { dir: true },
        'var/log/demo': { dir: true },
      }),
    },
    { name: "a host-mode package: the directories are the container's", files: demoUnit('demo.service', SERVICE) },
  ],
  invalid: [
    {
      name: 'a chroot package with a state directory only',
      files: portableDemo({ 'usr/lib/systemd/system/demo.service': SERVICE, 'var/lib/demo': { dir: true } }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:5:16 CacheDirectory=demo is mounted at /var/cache/demo, which the image does not have',
        'demo/usr/lib/systemd/system/demo.service:6:15 LogsDirectory=demo is mounted at /var/log/demo, which the image does not have',
      ],
    },
  ],
};
