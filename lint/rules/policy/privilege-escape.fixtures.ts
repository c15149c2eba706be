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
    {
      name: 'paths, units and actions the package owns: its own directories, its own units, ordering after a mount',
      files: demoPackage({
        'usr/lib/systemd/system/demo.service':
          '[Unit]\nAfter=results.mount network-online.target\nOnFailure=demo-alert.service\n\n[Service]\nExecStart=/usr/bin/demo\n' +
          'RuntimeDirectory=demo\nReadWritePaths=/run/demo\nStandardOutput=append:/run/demo/out.log\n',
        'usr/lib/systemd/system/demo-alert.service': '[Service]\nType=oneshot\nExecStart=/usr/bin/demo --alert\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'PID 1 made to open a host file, order a foreign unit, power off the container',
      files: demoUnit(
        'demo.service',
        '[Unit]\nOnFailure=getty.target\nSuccessAction=poweroff-immediate\n\n[Service]\nExecStart=/usr/bin/demo\nStandardOutput=truncate:/etc/shadow\n',
      ),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:11 OnFailure=getty.target names a unit the package does not own; a default ' +
          'package may name only its own units here; the generator skips the package (directive-unit-foreign)',
        'demo/usr/lib/systemd/system/demo.service:3:15 SuccessAction=poweroff-immediate: what PID 1 does to the whole system when ' +
          'the unit succeeds: reboot, poweroff, exit ...; only the trusted profile allows it; the generator skips the package (directive-privileged)',
        'demo/usr/lib/systemd/system/demo.service:7:16 StandardOutput=truncate:/etc/shadow: file:, append:, truncate: and tty make ' +
          'PID 1 open (and create or truncate) the file as root; /etc/shadow is outside the package; PID 1 acts on it as root, so a ' +
          "non-trusted package may only name paths below /opt/composable/demo/ or the service's own RuntimeDirectory=, StateDirectory=, " +
          'CacheDirectory= or LogsDirectory=; the generator skips the package (directive-path-outside)',
      ],
    },
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
      name: 'a path below the package that a symbolic link leads out of',
      files: demoPackage({
        'var/log': { symlink: '/etc' },
        'usr/lib/systemd/system/demo.service':
          '[Service]\nExecStart=/usr/bin/demo\nStandardOutput=append:/opt/composable/demo/var/log/demo.log\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:3:16 StandardOutput=append:/opt/composable/demo/var/log/demo.log: file:, append:, ' +
          'truncate: and tty make PID 1 open (and create or truncate) the file as root; /opt/composable/demo/var/log/demo.log leaves ' +
          'the package: var/log/demo.log resolves through a symbolic link out of the package; the generator skips the package (directive-path-outside)',
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
