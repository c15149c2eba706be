// Bad metadata entries: each skips only its own service; only unreadable or unparsable metadata
// or a wrong schemaVersion skips all. A stale status never survives a run.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generate, goodPackage, resetOut, sandbox, service, writeMetadata, type Sandbox } from './harness.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());

const badEntries: [string, unknown, string][] = [
  ['an unknown key', { name: 'bad', source: '/run/composable/store/bad', colour: 'blue' }, 'bad'],
  ['an invalid name', { name: '-bad', source: '/run/composable/store/bad' }, 'services[1]'],
  ['a relative source', { name: 'bad', source: 'store/bad' }, 'bad'],
  ['a null source', { name: 'bad', source: null }, 'bad'],
  ['a wrong type for units', { name: 'bad', source: '/run/composable/store/bad', units: 'bad.service' }, 'bad'],
  ['a number instead of an object', 42, 'services[1]'],
  ['null', null, 'services[1]'],
  ['an array', [], 'services[1]'],
  ['a newline in the user', { name: 'bad', source: '/run/composable/store/bad', user: 'root\nExecStartPre=/bin/sh' }, 'bad'],
  // Own "__proto__" keys, as JSON.parse makes them (an object literal would set the prototype).
  [
    'an environment variable named __proto__',
    JSON.parse('{"name":"bad","source":"/run/composable/store/bad","environment":{"__proto__":"x","A":"1"}}'),
    'bad',
  ],
  [
    'a credential named __proto__',
    JSON.parse('{"name":"bad","source":"/run/composable/store/bad","credentials":{"__proto__":"/run/composable/credentials/bad/t"}}'),
    'bad',
  ],
];

describe('hostile: metadata entries are isolated', () => {
  for (const [what, entry, shownAs] of badEntries) {
    it(`an entry with ${what} skips only itself (as ${shownAs})`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      goodPackage(sb, 'bad');
      goodPackage(sb, 'late');
      writeMetadata(sb, [{ name: 'good' }, entry, { name: 'late' }]);
      const r = generate(sb);
      expect(r.status.metadata.state).toBe('ok');
      expect(service(r.status, 'good').state).toBe('enabled');
      expect(service(r.status, 'late').state).toBe('enabled');
      const bad = service(r.status, shownAs);
      expect(bad.state).toBe('skipped');
      expect(bad.reasons!.every((x) => x.code === 'service-schema' && x.message.startsWith('services[1]'))).toBe(true);
      expect(r.status.services.map((s) => s.name)).toEqual(['good', shownAs, 'late']);
      expect(r.ok).toBe(false);
    });
  }

  it('an unknown top-level key is reported and ignored', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    writeMetadata(sb, [{ name: 'good' }], { agent: 'x', container: { id: 7 } });
    const r = generate(sb);
    expect(r.status.metadata.state).toBe('ok');
    expect(r.status.metadata.reasons!.map((x) => x.code)).toEqual(['metadata-schema', 'metadata-schema']);
    expect(service(r.status, 'good').state).toBe('enabled');
  });

  const wholeFile: [string, string][] = [
    ['schemaVersion 2', JSON.stringify({ schemaVersion: 2, services: [] })],
    ['no services array', JSON.stringify({ schemaVersion: 1, services: { good: {} } })],
    ['a JSON array', '[]'],
    ['not JSON', '{"schemaVersion": 1,'],
    ['empty', ''],
  ];
  for (const [what, text] of wholeFile) {
    it(`${what}: everything skipped, status invalid with a reason`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      writeMetadata(sb, []);
      writeFileSync(sb.host('/run/composable/metadata.json'), text);
      const r = generate(sb);
      expect(r.status.metadata.state).toBe('invalid');
      expect(r.status.metadata.reasons!.length).toBeGreaterThan(0);
      expect(r.status.services).toEqual([]);
    });
  }

  it('metadata over 16 MiB: unreadable, not parsed', () => {
    sb = sandbox();
    writeMetadata(sb, []);
    writeFileSync(sb.host('/run/composable/metadata.json'), `{"schemaVersion":1,"services":[],"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    const r = generate(sb);
    expect(r.status.metadata.reasons!.map((x) => x.code)).toEqual(['metadata-unreadable']);
  });

  it('10 000 entries, most of them bad, in one file: quick, each judged on its own', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const entries: unknown[] = [{ name: 'good' }];
    for (let i = 0; i < 10_000; i++)
      entries.push(i % 2 ? { name: `svc-${i}`, source: `/run/composable/store/svc-${i}` } : { name: `svc-${i}`, bogus: i });
    writeMetadata(sb, entries);
    const r = generate(sb, { maxMs: 15_000 });
    expect(service(r.status, 'good').state).toBe('enabled');
    expect(r.status.services).toHaveLength(10_001);
    expect(service(r.status, 'svc-0').reasons![0]!.code).toBe('service-schema');
    expect(service(r.status, 'svc-1').reasons![0]!.code).toBe('source-missing');
  });

  it('a stale status saying "enabled" never survives a run that cannot read the metadata', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    writeMetadata(sb, [{ name: 'good' }]);
    expect(service(generate(sb).status, 'good').state).toBe('enabled');
    writeFileSync(sb.host('/run/composable/metadata.json'), '{');
    resetOut(sb);
    const r = generate(sb);
    expect(r.status.services).toEqual([]);
    expect(readFileSync(sb.host('/run/composable/status.json'), 'utf8')).not.toContain('"enabled"');
  });
});

describe('hostile: a metadata name that collides with the object prototype is refused, not dropped', () => {
  it('environment {"__proto__": ...} skips the service with a reason naming __proto__ and the field', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    goodPackage(sb, 'bad');
    writeMetadata(sb, [
      { name: 'good' },
      JSON.parse('{"name":"bad","source":"/run/composable/store/bad","environment":{"__proto__":"x"}}'),
    ]);
    const r = generate(sb);
    expect(service(r.status, 'good').state).toBe('enabled');
    const bad = service(r.status, 'bad');
    expect(bad.state).toBe('skipped');
    expect(bad.reasons!.map((x) => x.message).join('\n')).toMatch(/^services\[1\]\.environment: "__proto__" cannot be a name here/m);
  });
});
