import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MetadataSchema } from '../../../sdk/schema/metadata.ts';
import { PackageOsReleaseSchema } from '../../../sdk/schema/os-release.ts';
import { StatusSchema } from '../../../sdk/schema/status.ts';
import { formatSchemaProblems, schemaProblems } from '../../../sdk/schema/issues.ts';
import { jsonSchema } from '../../../sdk/schema/json-schema.ts';

const example = {
  schemaVersion: 1,
  container: { id: 'web.1234', labels: { job: 'web' } },
  services: [
    {
      name: 'logship',
      source: '/run/composable/store/logship-1.4.2',
      version: '1.4.2',
      digest: `sha256:${'a'.repeat(64)}`,
      mode: 'host',
      target: 'early',
      units: ['logship.service', 'logship-rotate.timer'],
      after: ['secrets'],
      environment: { LOG_DEST: 'unix:/run/sink.sock' },
      credentials: { token: '/run/composable/credentials/logship/token' },
      user: 'logship',
      capabilities: ['CAP_NET_BIND_SERVICE'],
      profile: 'default',
    },
  ],
};

function problems(value: unknown): string[] {
  const r = MetadataSchema.safeParse(value);
  return r.success ? [] : formatSchemaProblems(schemaProblems(r.error.issues));
}

describe('MetadataSchema', () => {
  it('accepts the example of docs/contract.md', () => {
    expect(problems(example)).toEqual([]);
    const doc = readFileSync(new URL('../../../docs/contract.md', import.meta.url), 'utf8');
    const block = /## 3\. Metadata v1[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!.replace('sha256:<hex>', `sha256:${'b'.repeat(64)}`);
    expect(problems(JSON.parse(block))).toEqual([]);
  });

  it('needs only name and source', () => {
    expect(problems({ schemaVersion: 1, services: [{ name: 'a', source: '/run/composable/store/a' }] })).toEqual([]);
  });

  it.each([
    [{ name: 'a', source: '/x', colour: 'blue' }, 'services[0]: unknown key "colour": remove it or check the spelling'],
    [{ name: '-a', source: '/x' }, 'services[0].name: must be 1-128 characters of A-Z a-z 0-9 : _ . - and not start with . or -'],
    [{ name: 'a@b', source: '/x' }, 'services[0].name: must be 1-128 characters of A-Z a-z 0-9 : _ . - and not start with . or -'],
    [
      { name: 'a', source: 'rel/x' },
      'services[0].source: must be an absolute path without . or .. components, // or a trailing ' +
        '/, and without control characters or a trailing backslash',
    ],
    [
      { name: 'a', source: '/run/composable/store/../../etc' },
      'services[0].source: must be an absolute path without . or .. components, // or a trailing ' +
        '/, and without control characters or a trailing backslash',
    ],
    [{ name: 'a', source: '/x', target: 'soon' }, 'services[0].target: must be early, default, late or a unit name ending in .target'],
    [{ name: 'a', source: '/x', profile: 'loose' }, 'services[0].profile: must be one of "default", "strict", "trusted", "nonetwork"'],
    [{ name: 'a', source: '/x', digest: 'md5:00' }, 'services[0].digest: must be "sha256:" followed by 64 lower-case hex digits'],
    [
      { name: 'a', source: '/x', units: ['a.mount'] },
      'services[0].units[0]: must be a unit name ending in .service, .socket, .timer, .path or .target',
    ],
    [
      { name: 'a', source: '/x', environment: { 'A-B': 'x' } },
      'services[0].environment["A-B"]: key: environment variable names are [A-Za-z_][A-Za-z0-9_]*',
    ],
    [
      { name: 'a', source: '/x', capabilities: ['NET_ADMIN'] },
      'services[0].capabilities[0]: must be a capability systemd knows, like CAP_NET_BIND_SERVICE',
    ],
    [
      { name: 'a', source: '/x', user: 'Bad User' },
      'services[0].user: must be a user name ([a-z_][a-z0-9_-]*, at most 31 characters) or a numeric uid from 0 to 4294967294 other than 65535',
    ],
    [
      { name: 'a', source: '/x', user: '4294967296' },
      'services[0].user: must be a user name ([a-z_][a-z0-9_-]*, at most 31 characters) or a numeric uid from 0 to 4294967294 other than 65535',
    ],
    [
      { name: 'a', source: '/x', user: '65535' },
      'services[0].user: must be a user name ([a-z_][a-z0-9_-]*, at most 31 characters) or a numeric uid from 0 to 4294967294 other than 65535',
    ],
    [
      { name: 'a', source: '/x', capabilities: ['CAP_EVERYTHING'] },
      'services[0].capabilities[0]: must be a capability systemd knows, like CAP_NET_BIND_SERVICE',
    ],
    [
      { name: 'a', source: '/x\nExecStartPre=+/bin/sh' },
      'services[0].source: must be an absolute path without . or .. components, // or a trailing ' +
        '/, and without control characters or a trailing backslash',
    ],
    [{ name: 'a', source: `/${'x'.repeat(5000)}` }, 'services[0].source: must be at most 4095 characters'],
    [
      { name: 'a', source: '/x', environment: { A: 'bad \ud800' } },
      'services[0].environment.A: must be valid UTF-8 (it holds a lone UTF-16 surrogate)',
    ],
    [{ source: '/x' }, 'services[0].name: expected string'],
  ])('rejects %j with a path and what to do', (service, message) => {
    expect(problems({ schemaVersion: 1, services: [service] })).toContain(message);
  });

  it('rejects an unknown schema version and unknown top-level keys', () => {
    expect(problems({ schemaVersion: 2, services: [] })).toEqual(['schemaVersion: must be one of 1']);
    expect(problems({ schemaVersion: 1, services: [], extra: true })).toEqual([
      '(document): unknown key "extra": remove it or check the spelling',
    ]);
  });
});

describe('PackageOsReleaseSchema', () => {
  it('accepts the contract fields and ignores other os-release fields', () => {
    expect(
      PackageOsReleaseSchema.safeParse({ NAME: 'x', ID: 'x', VERSION_ID: '1', PRETTY_NAME: 'X', COMPOSABLE_MODE: 'chroot' }).success,
    ).toBe(true);
  });
  it('rejects an unknown COMPOSABLE_ field so a typo is not dropped', () => {
    const r = PackageOsReleaseSchema.safeParse({ NAME: 'x', ID: 'x', VERSION_ID: '1', COMPOSABLE_TARGE: 'early' });
    expect(r.success).toBe(false);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema document, walked by path
type SchemaDoc = any;

describe('JSON Schema export', () => {
  it('is draft 2020-12 and closed for metadata', () => {
    const s = jsonSchema('metadata') as SchemaDoc;
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['schemaVersion', 'services']);
    expect(s.properties.services.items.required).toEqual(['name', 'source']);
    expect(s.properties.services.items.properties.profile.enum).toEqual(['default', 'strict', 'trusted', 'nonetwork']);
  });
  it('exports status and os-release', () => {
    expect((jsonSchema('status') as SchemaDoc).properties.services.items.properties.state.enum).toEqual(['enabled', 'skipped']);
    expect((jsonSchema('os-release') as SchemaDoc).required).toEqual(['NAME', 'ID', 'VERSION_ID']);
  });
  it('the status example of docs/contract.md satisfies StatusSchema', () => {
    const doc = readFileSync(new URL('../../../docs/contract.md', import.meta.url), 'utf8');
    const block = /## 4\. Status[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(StatusSchema.safeParse(JSON.parse(block)).success).toBe(true);
  });
});
