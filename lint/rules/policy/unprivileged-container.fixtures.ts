import { demoPackage, demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const unprivileged = { policy: { unprivileged: true } };
const plainService =
  '[Service]\nExecStart=/usr/bin/demo\nUser=demo\nProtectSystem=no\nBindReadOnlyPaths=/etc/machine-id\n' +
  'RestrictAddressFamilies=AF_UNIX\n\n[Install]\nWantedBy=composable.target\n';

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'DynamicUser= when the policy does not say the containers run unprivileged', files: demoPackage() },
    { name: 'a service that needs no mount namespace, unprivileged', files: demoUnit('demo.service', plainService), config: unprivileged },
    {
      name: 'DynamicUser= reset by a drop-in, unprivileged',
      files: demoPackage({ 'usr/lib/systemd/system/demo.service.d/10-user.conf': '[Service]\nDynamicUser=no\nUser=demo\n' }),
      config: unprivileged,
    },
  ],
  invalid: [
    {
      name: 'DynamicUser= (the demo service), unprivileged',
      files: demoPackage(),
      config: unprivileged,
      expect: [
        'demo/usr/lib/systemd/system/demo.service:6:13 DynamicUser=yes needs a mount namespace, which ' +
          'systemd cannot make in a container without CAP_SYS_ADMIN; the generator skips the package there',
      ],
    },
    {
      name: 'the strict profile in chroot mode, a bind onto another path and sandboxing that does nothing, unprivileged',
      files: demoUnit('demo.service', plainService.replace('ProtectSystem=no', 'ProtectSystem=full\nPrivateTmp=yes'), {
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=strict\nCOMPOSABLE_MODE=chroot\n',
        'usr/lib/systemd/system/demo.service.d/10-cache.conf': '[Service]\nBindPaths=/var/cache/demo:/srv/cache\n',
      }),
      config: unprivileged,
      expect: [
        'demo/usr/lib/os-release:4:1 Profile strict needs a mount namespace, which systemd cannot make ' +
          'in a container without CAP_SYS_ADMIN; the generator skips the package there',
        'demo/usr/lib/os-release:5:1 Chroot mode runs the services with RootDirectory=, which needs ' +
          'a mount namespace; the generator skips the package in a container without CAP_SYS_ADMIN',
        'demo/usr/lib/systemd/system/demo.service:4:15 ProtectSystem=full has no effect in a container ' +
          'without CAP_SYS_ADMIN: systemd starts the service without it',
        'demo/usr/lib/systemd/system/demo.service:5:12 PrivateTmp=yes has no effect in a container ' +
          'without CAP_SYS_ADMIN: systemd starts the service without it',
        'demo/usr/lib/systemd/system/demo.service.d/10-cache.conf:2:11 BindPaths=/var/cache/demo:/srv/cache ' +
          'needs a mount namespace, which systemd cannot make in a container without CAP_SYS_ADMIN; the ' +
          'generator skips the package there',
      ],
    },
  ],
};
