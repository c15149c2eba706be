// A secret behind a link (os-release or a unit pointing at another service's credential, or at a
// host file) is never read; content that is read is never quoted. Checked in status.json, the log,
// the output units, and in what lint and inspect print.
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectIsolated,
  generate,
  goodPackage,
  link,
  osRelease,
  sandbox,
  SECRET,
  SECRET_PATH,
  writeFiles,
  writeMetadata,
  type Sandbox,
} from './harness.ts';
import { lint } from '../../lint/engine.ts';
import { FORMATS, format } from '../../lint/formatters/index.ts';
import { inspectPath } from '../../cli/commands/inspect.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());

type Plant = (sb: Sandbox, dir: string) => void;
const viaLinks: [string, Plant, string][] = [
  ['os-release -> the credential (container path)', (_s, d) => link(d, 'usr/lib/os-release', SECRET_PATH), 'symlink-outside'],
  ['os-release -> the credential (host path)', (s, d) => link(d, 'usr/lib/os-release', s.host(SECRET_PATH)), 'symlink-outside'],
  [
    'os-release -> the credential (relative, climbing out)',
    (s, d) => link(d, 'usr/lib/os-release', relative(join(d, 'usr/lib'), s.host(SECRET_PATH))),
    'symlink-outside',
  ],
  ['a unit -> the credential', (s, d) => link(d, 'usr/lib/systemd/system/bad.service', s.host(SECRET_PATH)), 'symlink-outside'],
  [
    'a drop-in -> the credential',
    (s, d) =>
      link(
        d,
        'usr/lib/systemd/system/bad.service.d/10-x.conf',
        relative(join(d, 'usr/lib/systemd/system/bad.service.d'), s.host(SECRET_PATH)),
      ),
    'symlink-outside',
  ],
];

const inContent: [string, Record<string, string>, string][] = [
  ['a bare line in os-release', { 'usr/lib/os-release': `${osRelease('bad')}${SECRET}\n` }, 'os-release-syntax'],
  ['an invalid key in os-release', { 'usr/lib/os-release': `${osRelease('bad')}${SECRET}-x=1\n` }, 'os-release-syntax'],
  ['an unterminated quote in os-release', { 'usr/lib/os-release': `${osRelease('bad')}${SECRET}="open\n` }, 'os-release-syntax'],
  ['a bad section header in a unit', { 'usr/lib/systemd/system/bad.service': `[${SECRET}\nExecStart=/bin/true\n` }, 'unit-parse-error'],
  ['a quoted section name in a unit', { 'usr/lib/systemd/system/bad.service': `["${SECRET}"]\n` }, 'unit-parse-error'],
  [
    'an assignment outside any section',
    { 'usr/lib/systemd/system/bad.service': `${SECRET}=1\n[Service]\nExecStart=/bin/true\n` },
    'unit-parse-error',
  ],
];

describe('hostile: secrets are never echoed by the generator', () => {
  for (const [what, plant, code] of viaLinks) {
    it(`${what}: skipped with ${code}, secret nowhere`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      plant(sb, bad);
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      expectIsolated(sb, generate(sb), 'good', 'bad', code);
    });
  }
  for (const [what, files, code] of inContent) {
    it(`the secret in ${what}: ${code} with line and column, never the text`, () => {
      sb = sandbox();
      goodPackage(sb, 'good');
      const bad = goodPackage(sb, 'bad');
      writeFiles(bad, files);
      writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
      const r = generate(sb);
      expectIsolated(sb, r, 'good', 'bad', code);
      const reason = r.status.services.find((s) => s.name === 'bad')!.reasons!.find((x) => x.code === code)!;
      expect(reason.line).toBeGreaterThan(0);
    });
  }
  it('metadata.json that is not JSON and holds the secret', () => {
    sb = sandbox();
    writeFiles(sb.host('/run/composable'), { 'metadata.json': `{"schemaVersion": 1, "services": [${SECRET}]}` });
    const r = generate(sb);
    expect(r.status.metadata.state).toBe('invalid');
  });
});

describe('hostile: secrets are never echoed by lint or inspect', () => {
  function hostilePackage(): string {
    sb = sandbox();
    const bad = goodPackage(sb, 'bad');
    link(bad, 'usr/lib/os-release', sb.host(SECRET_PATH));
    link(bad, 'usr/lib/systemd/system/bad-x.service', sb.host(SECRET_PATH));
    return bad;
  }

  it('lint of a package whose files link to a host secret: no format prints it', async () => {
    const bad = hostilePackage();
    const result = await lint([bad]);
    expect(result.errorCount).toBeGreaterThan(0);
    for (const f of FORMATS) expect(format(result, f).includes(SECRET), f).toBe(false);
  });

  it('lint of a tar.gz artifact whose os-release links to a host secret', async () => {
    const bad = hostilePackage();
    const tgz = join(sb.base, 'bad.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', bad, '.']);
    const result = await lint([tgz]);
    for (const f of FORMATS) expect(format(result, f).includes(SECRET), f).toBe(false);
  });

  it('inspect of such a package or artifact fails with a reason and no secret', async () => {
    const bad = hostilePackage();
    const tgz = join(sb.base, 'bad.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', bad, '.']);
    for (const p of [bad, tgz]) {
      const err = await inspectPath(p).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err, p).toBeInstanceOf(Error);
      expect(err!.message).toMatch(/symbolic link/);
      expect(err!.message.includes(SECRET)).toBe(false);
    }
  });
});
