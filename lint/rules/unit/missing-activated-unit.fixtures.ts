import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'timer and socket next to their service',
      files: demoUnit('demo.timer', '[Timer]\nOnCalendar=daily\n', {
        'usr/lib/systemd/system/demo.socket': '[Socket]\nListenStream=/run/demo.sock\n',
      }),
    },
    {
      name: 'Accept=yes socket with a template service',
      files: demoUnit('demo-conn.socket', '[Socket]\nListenStream=/run/demo-conn.sock\nAccept=yes\n', {
        'usr/lib/systemd/system/demo-conn@.service': '[Service]\nExecStart=/usr/bin/demo\nStandardInput=socket\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a timer whose service does not exist',
      files: demoUnit('demo-rotate.timer', '[Unit]\nDescription=Rotate\n\n[Timer]\nOnCalendar=daily\n'),
      expect: [
        'demo/usr/lib/systemd/system/demo-rotate.timer:1:1 demo-rotate.timer activates demo-rotate.service, which is not in the package',
      ],
    },
    {
      name: 'a socket naming a missing service',
      files: demoUnit('demo.socket', '[Socket]\nListenStream=/run/demo.sock\nService=demo-api.service\n'),
      expect: ['demo/usr/lib/systemd/system/demo.socket:3:9 demo.socket activates demo-api.service, which is not in the package'],
    },
  ],
};
