import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError, readStatus, validateMetadata, writeCredential, writeMetadata } from '../../host/agent.ts';

let run: string;
beforeEach(() => {
  run = mkdtempSync(join(tmpdir(), 'composable-agent-'));
});
afterEach(() => rmSync(run, { recursive: true, force: true }));

describe('writeMetadata', () => {
  it('validates, then writes atomically with mode 0644', () => {
    writeMetadata(run, { schemaVersion: 1, services: [{ name: 'a', source: '/run/composable/store/a' }] });
    const p = join(run, 'metadata.json');
    expect(JSON.parse(readFileSync(p, 'utf8')).services[0].name).toBe('a');
    expect(statSync(p).mode & 0o777).toBe(0o644);
    expect(readdirSync(run)).toEqual(['metadata.json']);
  });

  it('refuses invalid metadata and leaves the previous file untouched', () => {
    writeMetadata(run, { schemaVersion: 1, services: [] });
    const before = readFileSync(join(run, 'metadata.json'), 'utf8');
    expect(() => writeMetadata(run, { schemaVersion: 1, services: [{ name: 'a' }] })).toThrow(ContractError);
    expect(() => writeMetadata(run, { schemaVersion: 1, services: [{ name: 'a' }] })).toThrow(/services\[0\]\.source: expected string/);
    expect(readFileSync(join(run, 'metadata.json'), 'utf8')).toBe(before);
  });

  it('rejects duplicate service names', () => {
    const r = validateMetadata({
      schemaVersion: 1,
      services: [
        { name: 'a', source: '/x' },
        { name: 'a', source: '/y' },
      ],
    });
    expect(r).toEqual({ ok: false, problems: ['services[1].name: "a" is used twice; service names must be unique'] });
  });
});

describe('writeCredential', () => {
  it('writes below credentials/<service>/ with 0700 directories and a 0600 file', () => {
    const path = writeCredential(run, 'logship', 'token', 's3cret');
    expect(path).toBe('/run/composable/credentials/logship/token');
    expect(readFileSync(join(run, 'credentials/logship/token'), 'utf8')).toBe('s3cret');
    expect(statSync(join(run, 'credentials')).mode & 0o777).toBe(0o700);
    expect(statSync(join(run, 'credentials/logship')).mode & 0o777).toBe(0o700);
    expect(statSync(join(run, 'credentials/logship/token')).mode & 0o777).toBe(0o600);
  });

  it('rejects names that would escape the credentials directory, without echoing the secret', () => {
    for (const [svc, name] of [
      ['../x', 'token'],
      ['logship', '../../etc/passwd'],
      ['logship', '.hidden'],
    ] as const) {
      let message = '';
      try {
        writeCredential(run, svc, name, 'TOPSECRET');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/not valid/);
      expect(message).not.toContain('TOPSECRET');
    }
    expect(readdirSync(run)).toEqual([]);
  });
});

describe('readStatus', () => {
  it('is undefined before the generator ran, and validated after', () => {
    expect(readStatus(run)).toBeUndefined();
    const status = {
      schemaVersion: 1,
      generator: { name: 'composable-generator', version: '0.1.0' },
      metadata: { path: '/run/composable/metadata.json', state: 'ok' },
      services: [],
    };
    writeFileSync(join(run, 'status.json'), JSON.stringify(status));
    expect(readStatus(run)).toEqual(status);
    writeFileSync(join(run, 'status.json'), JSON.stringify({ ...status, schemaVersion: 7 }));
    expect(() => readStatus(run)).toThrow(/schemaVersion/);
  });
});
