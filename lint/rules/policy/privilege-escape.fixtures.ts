import { demoPackage, demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const trusted = 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=trusted\n';
const chroot = 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_MODE=chroot\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'own credentials, no privileged prefix',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nLoadCredential=token:/run/composable/credentials/demo/token\n'),
    },
    {
      name: '+ under the trusted profile',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=+/usr/bin/demo --setup\nExecStart=/usr/bin/demo\n', {
        'usr/lib/os-release': trusted,
      }),
    },
  ],
  invalid: [
    {
      name: '+ and ! under the default profile',
      files: demoUnit('demo.service', '[Service]\nExecStartPre=+/usr/bin/demo --setup\nExecStart=!/usr/bin/demo\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:14 ExecStartPre= runs /usr/bin/demo with the prefix ' +
          '"+", which lifts every sandbox and user setting; only the trusted profile allows it; the generator ' +
          'skips the package (exec-privileged-prefix)',
        'demo/usr/lib/systemd/system/demo.service:3:11 ExecStart= runs /usr/bin/demo with the prefix ' +
          '"!", which skips the user change; only the trusted profile allows it; the generator skips ' +
          'the package (exec-privileged-prefix)',
      ],
    },
    {
      name: "another service's credential",
      files: demoUnit(
        'demo.service',
        '[Service]\nExecStart=/usr/bin/demo\nLoadCredential=token:/run/composable/credentials/billing/token\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:16 LoadCredential=token:/run/composable/credentials/billing/token ' +
          'loads a credential from outside the package and /run/composable/credentials/demo/; systemd ' +
          'reads it as root, so only those are allowed; the generator skips the package (credential-outside-package)',
      ],
    },
    {
      name: 'the container root bound into a chroot',
      files: demoPackage({
        'usr/lib/os-release': chroot,
        'usr/lib/systemd/system/demo.service': '[Service]\nExecStart=/usr/bin/demo\nBindPaths=/:/host\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:11 BindPaths= brings / into the chroot; in chroot ' +
          'mode a unit may only bind paths below /opt/composable/demo (or /dev/log, /run/systemd/journal/socket, ' +
          '/run/systemd/journal/stdout, /etc/machine-id, /etc/resolv.conf); the generator skips the package ' +
          '(chroot-path-outside)',
      ],
    },
  ],
};
