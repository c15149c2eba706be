import { DEMO_SERVICE, demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'LF everywhere; a CR inside a script line and CR LF in a file that is neither a unit nor a script',
      files: demoPackage({
        'usr/bin/demo': { content: "#!/bin/sh\nprintf 'a\rb'\nexec sleep infinity\n", mode: 0o755 },
        'usr/share/doc/demo/README.txt': 'Demo\r\nsidecar\r\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a CR LF unit, a drop-in with one CR LF line, a CR LF script and os-release ending in CR',
      files: demoPackage({
        'usr/lib/systemd/system/demo.service': DEMO_SERVICE.replace(/\n/g, '\r\n'),
        'usr/lib/systemd/system/demo.service.d/10-env.conf': '[Service]\nEnvironment=LEVEL=info\r\nNice=5\n',
        'usr/bin/demo': { content: '#!/bin/sh\r\nexec sleep infinity\r\n', mode: 0o755 },
        'usr/lib/os-release': 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\r',
      }),
      expect: [
        'demo/usr/bin/demo:1:10 line 1 ends with CR LF (Windows line endings)',
        'demo/usr/lib/os-release:3:15 line 3 ends with CR LF (Windows line endings)',
        'demo/usr/lib/systemd/system/demo.service:1:7 line 1 ends with CR LF (Windows line endings)',
        'demo/usr/lib/systemd/system/demo.service.d/10-env.conf:2:23 line 2 ends with CR LF (Windows line endings)',
      ],
    },
  ],
};
