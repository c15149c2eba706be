import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const nonetwork = 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=nonetwork\n';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a UNIX socket under nonetwork',
      files: demoUnit('demo.socket', '[Socket]\nListenStream=/run/demo.sock\n', { 'usr/lib/os-release': nonetwork }),
    },
    { name: 'a TCP port under the default profile', files: demoUnit('demo.socket', '[Socket]\nListenStream=8080\n') },
  ],
  invalid: [
    {
      name: 'a TCP port and network-online.target under nonetwork',
      files: demoUnit('demo.socket', '[Socket]\nListenStream=0.0.0.0:8080\n', {
        'usr/lib/os-release': nonetwork,
        'usr/lib/systemd/system/demo.service':
          '[Unit]\nWants=network-online.target\nAfter=network-online.target\n[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\n',
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:2:7 Wants=network-online.target: the unit waits for ' +
          "the network, but the package's profile nonetwork gives it no network",
        'demo/usr/lib/systemd/system/demo.service:3:7 After=network-online.target: the unit waits for ' +
          "the network, but the package's profile nonetwork gives it no network",
        'demo/usr/lib/systemd/system/demo.socket:2:14 ListenStream=0.0.0.0:8080 listens on the network, ' +
          "but the package's profile nonetwork gives it no network",
      ],
    },
  ],
};
