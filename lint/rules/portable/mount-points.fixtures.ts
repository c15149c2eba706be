import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'a chroot package with every mount point', files: portableDemo() },
    { name: 'a host-mode package (not a portable image)', files: demoPackage() },
  ],
  invalid: [
    {
      name: 'a chroot package without /dev, /run and /var/tmp, and a directory where a file belongs',
      files: portableDemo({ dev: null, run: null, 'var/tmp': null, 'etc/resolv.conf': { dir: true } }),
      expect: [
        "demo:1:1 The image has no dev, which systemd mounts /dev onto when the service runs in the package's root",
        "demo:1:1 The image has no run, which systemd mounts /run onto when the service runs in the package's root",
        "demo:1:1 The image has no var/tmp, which systemd mounts a private tmp onto when the service runs in the package's root",
        "demo:1:1 The image's etc/resolv.conf is a directory; systemd mounts the container's /etc/resolv.conf onto it, so it must be an empty file",
      ],
    },
    {
      name: 'a host-mode package checked as portable (`"policy": { "portable": true }`)',
      files: demoPackage(),
      config: { policy: { portable: true } },
      expect: [
        "demo:1:1 The image has no dev, which systemd mounts /dev onto when the service runs in the package's root",
        "demo:1:1 The image has no etc/machine-id, which systemd mounts the container's /etc/machine-id " +
          "onto when the service runs in the package's root",
        "demo:1:1 The image has no etc/resolv.conf, which systemd mounts the container's /etc/resolv.conf " +
          "onto when the service runs in the package's root",
        "demo:1:1 The image has no proc, which systemd mounts /proc onto when the service runs in the package's root",
        "demo:1:1 The image has no run, which systemd mounts /run onto when the service runs in the package's root",
        "demo:1:1 The image has no sys, which systemd mounts /sys onto when the service runs in the package's root",
        "demo:1:1 The image has no tmp, which systemd mounts a private tmp onto when the service runs in the package's root",
        "demo:1:1 The image has no var/tmp, which systemd mounts a private tmp onto when the service runs in the package's root",
      ],
    },
  ],
};
