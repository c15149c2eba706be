// unit/environment-secret finds literal secrets and no output format shows them: messages name
// the variable only, and the value is masked in the text kept for code frames.
import { describe, expect, it } from 'vitest';
import { format, FORMATS } from '../../../../lint/formatters/index.ts';
import { lintUnitText } from '../../../../lint/engine.ts';
import { isLiteralSecret } from '../../../../lint/rules/unit/environment-secret.ts';
import { demoUnit, runFixture, type Fixture } from '../../../../lint/testing/fixtures.ts';
import { maskRange } from '../../../../lint/util/redact.ts';

const SECRETS = ['hunter2', 'abcDEF123', 'sk-live-0123456789', 'tok-xyz-continued', 'crlf-secret-42'];

const FIXTURE: Fixture = {
  name: 'secrets in a unit, a drop-in, a continuation line, a CR LF socket and an environment file',
  files: demoUnit(
    'demo.service',
    [
      '[Service]',
      'ExecStart=/usr/bin/demo',
      'Environment="DB_PASSWORD=hunter2" LEVEL=info',
      "Environment=LEVEL=debug 'API_KEY=abcDEF123'",
      'Environment=GITHUB_TOKEN=tok-xyz-\\',
      '  continued',
      'EnvironmentFile=/usr/lib/demo/demo.env',
      '',
    ].join('\n'),
    {
      'usr/lib/systemd/system/demo.service.d/10-env.conf': '[Service]\nEnvironment=STRIPE_SECRET=sk-live-0123456789\n',
      'usr/lib/systemd/system/demo.socket': '[Socket]\r\nListenStream=8080\r\nEnvironment=SOCKET_PASSWD=crlf-secret-42\r\n',
      'usr/lib/demo/demo.env': 'AWS_SECRET_ACCESS_KEY=abcDEF123\nDB_PASSWORD="hunter2"\n',
    },
  ),
};

describe('unit/environment-secret', () => {
  it('reports every secret by name, and no output format contains a secret value', async () => {
    const run = await runFixture(FIXTURE);
    try {
      const mine = run.result.diagnostics.filter((d) => d.ruleId === 'unit/environment-secret');
      expect(
        mine.map((d) => (d.message.split(' ')[0] === 'Environment=' ? d.message.split(' ')[2] : d.message.split(' ')[0])).sort(),
      ).toEqual(['API_KEY', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'DB_PASSWORD', 'GITHUB_TOKEN', 'SOCKET_PASSWD', 'STRIPE_SECRET']);
      for (const name of FORMATS) {
        for (const color of [false, true]) {
          const out = format(run.result, name, { color });
          expect(out.length, name).toBeGreaterThan(0);
          for (const secret of [...SECRETS, 'tok-xyz-']) expect(out, `${name} shows ${secret}`).not.toContain(secret);
        }
      }
      // The code frames still show the line, with the value masked.
      const stylish = format(run.result, 'stylish');
      expect(stylish).toContain('Environment="DB_PASSWORD=*******" LEVEL=info');
      expect(stylish).toContain("Environment=LEVEL=debug 'API_KEY=*********'");
    } finally {
      run.dispose();
    }
  });

  it('masks the value even when the rule is configured as a warning', async () => {
    const run = await runFixture({ ...FIXTURE, config: { rules: { 'unit/environment-secret': 'warning' } } });
    try {
      const out = format(run.result, 'stylish');
      expect(out).toContain('warning Environment= sets DB_PASSWORD to a literal secret');
      for (const secret of SECRETS) expect(out).not.toContain(secret);
    } finally {
      run.dispose();
    }
  });

  it('masks loose unit files too', () => {
    const result = lintUnitText('demo.service', '[Service]\nExecStart=/usr/bin/demo\nEnvironment=PASSWORD=hunter2\n');
    expect(result.diagnostics.some((d) => d.ruleId === 'unit/environment-secret')).toBe(true);
    for (const name of FORMATS) expect(format(result, name)).not.toContain('hunter2');
  });

  it('tells literals from references, paths and look-alike names', () => {
    expect(isLiteralSecret('API_TOKEN', 'abc')).toBe(true);
    expect(isLiteralSecret('SERVICE_KEY', 'abc')).toBe(true);
    expect(isLiteralSecret('Credentials', 'abc')).toBe(true);
    expect(isLiteralSecret('PASSWORD', '%iabc')).toBe(true);
    expect(isLiteralSecret('API_KEY', '/aB3+x/9==')).toBe(true);
    expect(isLiteralSecret('KEYBOARD', 'us')).toBe(false);
    expect(isLiteralSecret('PASSWORD', '')).toBe(false);
    expect(isLiteralSecret('API_TOKEN', '${TOKEN}')).toBe(false);
    expect(isLiteralSecret('API_TOKEN', '$TOKEN')).toBe(false);
    expect(isLiteralSecret('TOKEN', '%i')).toBe(false);
    expect(isLiteralSecret('TOKEN_FILE', '%d/token')).toBe(false);
    expect(isLiteralSecret('TOKEN_FILE', '${CREDENTIALS_DIRECTORY}/token')).toBe(false);
    expect(isLiteralSecret('TLS_PRIVATE_KEY', '/etc/ssl/private/demo.key')).toBe(false);
  });
});

describe('maskRange', () => {
  it('masks a range, keeping line terminators and other lines', () => {
    expect(maskRange('a=1\r\nb=secret\r\nc=3', { line: 2, column: 3, endLine: 2, endColumn: 9 })).toBe('a=1\r\nb=******\r\nc=3');
    expect(maskRange('x=ab\\\n  cd\ny', { line: 1, column: 3, endLine: 2, endColumn: 5 })).toBe('x=***\n****\ny');
    expect(maskRange('\uFEFFk=v', { line: 1, column: 3, endLine: 1, endColumn: 4 })).toBe('\uFEFFk=*');
    expect(maskRange('k=v', { line: 3, column: 1, endLine: 3, endColumn: 2 })).toBe('k=v');
  });
});
