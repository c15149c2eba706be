import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

const trusted = 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=trusted\n';
const hardened = [
  '[Service]',
  'ExecStart=/usr/bin/demo',
  'DynamicUser=yes',
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'PrivateUsers=yes',
  'ProtectClock=yes',
  'ProtectKernelLogs=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelTunables=yes',
  'ProtectControlGroups=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'MemoryDenyWriteExecute=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_UNIX',
  'IPAddressDeny=any',
  'UMask=0077',
  '',
].join('\n');

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'a hardened service, even with the trusted profile',
      files: demoUnit('demo.service', hardened, { 'usr/lib/os-release': trusted }),
    },
    {
      name: 'an ordinary service under the strict profile',
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\n', {
        'usr/lib/os-release': 'NAME=Demo\nID=demo\nVERSION_ID=1\nCOMPOSABLE_PROFILE=strict\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'an unhardened service with the trusted profile',
      files: demoUnit('demo.service', '[Unit]\nDescription=Demo\n\n[Service]\nExecStart=/usr/bin/demo\n', {
        'usr/lib/os-release': trusted,
      }),
      expect: [
        'demo/usr/lib/systemd/system/demo.service:4:1 Service demo.service has exposure 9.7 UNSAFE ' +
          'with profile trusted; the biggest gaps: PrivateNetwork=, User=/DynamicUser=, CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP), ' +
          'CapabilityBoundingSet=~CAP_SYS_ADMIN, CapabilityBoundingSet=~CAP_SYS_PTRACE',
      ],
    },
  ],
};
