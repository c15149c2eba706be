import { demoUnit, type RuleFixtures } from '../../testing/fixtures.ts';

export const fixtures: RuleFixtures = {
  valid: [
    {
      name: 'credential paths, references, empty values, names that only look like secrets, an environment file outside the package',
      files: demoUnit(
        'demo.service',
        [
          '[Service]',
          'ExecStart=/usr/bin/demo',
          'LoadCredential=token',
          'Environment=TOKEN_FILE=%d/token KEYBOARD=us PASSWORD= API_TOKEN=${TOKEN}',
          'Environment="DB_PASSWORD_FILE=/run/credentials/demo.service/db" LOG_LEVEL=info',
          'EnvironmentFile=-/usr/lib/demo/defaults.env',
          'EnvironmentFile=-/etc/demo/secrets.env',
          '',
        ].join('\n'),
        { 'usr/lib/demo/defaults.env': '# defaults\nLOG_LEVEL=info\nAPI_KEY=\nSECRET_PATH=${CREDENTIALS_DIRECTORY}/secret\n' },
      ),
    },
  ],
  invalid: [
    {
      name: "a quoted password in Environment= and a key in the package's environment file",
      files: demoUnit('demo.service', '[Service]\nExecStart=/usr/bin/demo\nEnvironment="DB_PASSWORD=hunter2" LEVEL=info\n', {
        'usr/lib/systemd/system/demo.service.d/10-env.conf': '[Service]\nEnvironmentFile=-/usr/lib/demo/demo.env\n',
        'usr/lib/demo/demo.env': '# AWS\nAWS_SECRET_ACCESS_KEY=abc\nAWS_REGION=eu-west-1\n',
      }),
      expect: [
        'demo/usr/lib/demo/demo.env:2:1 AWS_SECRET_ACCESS_KEY is set to a literal secret in usr/lib/demo/demo.env, an EnvironmentFile= of the unit',
        'demo/usr/lib/systemd/system/demo.service:3:13 Environment= sets DB_PASSWORD to a literal secret',
      ],
    },
    {
      name: "an API key in a socket unit's Environment=",
      files: demoUnit('demo.socket', '[Socket]\nListenStream=8080\nExecStartPre=/usr/bin/demo\nEnvironment=LEVEL=info api_key=0123abcd\n'),
      expect: ['demo/usr/lib/systemd/system/demo.socket:4:24 Environment= sets api_key to a literal secret'],
    },
  ],
};
