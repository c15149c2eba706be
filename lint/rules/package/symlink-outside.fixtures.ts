import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'a relative link inside the package', files: demoPackage({ 'usr/sbin/demo': { symlink: '../bin/demo' } }) },
    {
      name: 'an absolute link in a chroot-mode package',
      files: demoPackage({
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_MODE=chroot\n',
        'usr/sbin/demo': { symlink: '/usr/bin/demo' },
      }),
    },
  ],
  invalid: [
    {
      name: 'an absolute link in host mode and a relative link that climbs out',
      files: demoPackage({ 'usr/sbin/demo': { symlink: '/usr/bin/demo' }, 'usr/share/demo/passwd': { symlink: '../../../../etc/passwd' } }),
      expect: [
        'demo/usr/sbin/demo:1:1 Symlink usr/sbin/demo -> /usr/bin/demo is absolute; mounted in host ' +
          'mode it points into the container, not the package',
        'demo/usr/share/demo/passwd:1:1 Symlink usr/share/demo/passwd -> ../../../../etc/passwd points outside the package',
      ],
    },
  ],
};
