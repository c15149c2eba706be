// Drop-ins: which directories systemd 252 consults, in which priority, how files are ordered and
// masked, and the merged effective unit; checked against `systemd-analyze verify` when present.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropInDirsFor, dropInSearchPaths, loadUnitWithDropIns, mergeDropIns, orderDropIns } from '../../../sdk/unit-file/dropins.ts';
import { getList, getValue } from '../../../sdk/unit-file/lookup.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

describe('dropInDirsFor (lowest priority first)', () => {
  it.each([
    ['foo.service', ['service.d', 'foo.service.d']],
    ['foo-bar-baz.service', ['service.d', 'foo-.service.d', 'foo-bar-.service.d', 'foo-bar-baz.service.d']],
    ['foo@x.service', ['service.d', 'foo@.service.d', 'foo@x.service.d']],
    ['foo@.service', ['service.d', 'foo@.service.d']],
    ['foo-bar.slice', ['slice.d', 'foo-.slice.d', 'foo-bar.slice.d']],
    ['foo-.service', ['service.d', 'foo-.service.d']],
    ['-foo.service', ['service.d', '-foo.service.d']],
    ['foo--bar.service', ['service.d', 'foo-.service.d', 'foo--.service.d', 'foo--bar.service.d']],
    [
      'a-b-c@i.service',
      [
        'service.d',
        'a-@.service.d',
        'a-@i.service.d',
        'a-b-@.service.d',
        'a-b-@i.service.d',
        'a-.service.d',
        'a-b-.service.d',
        'a-b-c@.service.d',
        'a-b-c@i.service.d',
      ],
    ],
    ['user@1000.service', ['service.d', 'user@.service.d', 'user@1000.service.d']],
    ['not a unit', ['not a unit.d']],
  ])('%s', (name, dirs) => {
    expect(dropInDirsFor(name)).toEqual(dirs);
  });
});

describe('dropInSearchPaths (highest priority first)', () => {
  it("goes through the unit directories for the unit's own, template and prefix directories, then the type-level ones", () => {
    expect(dropInSearchPaths(['/etc/systemd/system', '/usr/lib/systemd/system'], 'foo-bar@x.service')).toEqual([
      '/etc/systemd/system/foo-bar@x.service.d',
      '/etc/systemd/system/foo-bar@.service.d',
      '/etc/systemd/system/foo-.service.d',
      '/etc/systemd/system/foo-@x.service.d',
      '/etc/systemd/system/foo-@.service.d',
      '/usr/lib/systemd/system/foo-bar@x.service.d',
      '/usr/lib/systemd/system/foo-bar@.service.d',
      '/usr/lib/systemd/system/foo-.service.d',
      '/usr/lib/systemd/system/foo-@x.service.d',
      '/usr/lib/systemd/system/foo-@.service.d',
      '/etc/systemd/system/service.d',
      '/usr/lib/systemd/system/service.d',
    ]);
  });
});

describe('orderDropIns', () => {
  it('sorts by file name in byte order across directories; the first of a name masks the others', () => {
    expect(
      orderDropIns([
        '/etc/x.service.d/20-b.conf',
        '/etc/x.service.d/README',
        '/etc/x.service.d/9-z.conf',
        '/usr/x.service.d/10-a.conf',
        '/usr/x.service.d/20-b.conf',
        '/usr/x.service.d/B.conf',
        '/usr/service.d/10-a.conf',
        '/usr/x.service.d/a.conf.bak',
      ]),
    ).toEqual(['/usr/x.service.d/10-a.conf', '/etc/x.service.d/20-b.conf', '/etc/x.service.d/9-z.conf', '/usr/x.service.d/B.conf']);
    expect(orderDropIns(['/a/\u00e9.conf', '/a/z.conf', '/a/\u{1F600}.conf', '/a/\uFB01.conf'])).toEqual([
      '/a/z.conf',
      '/a/\u00e9.conf',
      '/a/\uFB01.conf',
      '/a/\u{1F600}.conf',
    ]);
  });
});

describe('mergeDropIns', () => {
  it("appends the drop-ins' assignments after the unit's, so the last wins and empty resets apply", () => {
    const unit = parseUnitFile('[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/a\nEnvironment=A=1\nUser=u\n', 'x.service');
    const d1 = parseUnitFile('[Service]\nExecStart=\nExecStart=/bin/b\nUser=v\n[Unit]\nAfter=\nAfter=b.service\n', 'x.service.d/10.conf');
    const d2 = parseUnitFile('[Service]\nEnvironment=B=2\nnonsense\n', 'x.service.d/20.conf');
    const merged = mergeDropIns(unit, [d1, d2]);
    expect(getList(merged, 'Service', 'ExecStart')).toEqual(['/bin/b']);
    expect(getList(merged, 'Service', 'Environment')).toEqual(['A=1', 'B=2']);
    expect(getValue(merged, 'Service', 'User')).toBe('v');
    expect(getList(merged, 'Unit', 'After')).toEqual(['a.service', 'b.service']);
    expect(merged.sections.map((s) => [s.name, s.file])).toEqual([
      ['Unit', 'x.service'],
      ['Service', 'x.service'],
      ['Service', 'x.service.d/10.conf'],
      ['Unit', 'x.service.d/10.conf'],
      ['Service', 'x.service.d/20.conf'],
    ]);
    expect(merged.problems.map((p) => [p.file, p.line])).toEqual([['x.service.d/20.conf', 3]]);
    expect(merged.path).toBe('x.service');
    // The inputs are left as they were.
    expect(unit.sections).toHaveLength(2);
  });
});

describe('loadUnitWithDropIns', () => {
  const root = mkdtempSync(join(tmpdir(), 'unit-file-dropins-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const etc = join(root, 'etc');
  const usr = join(root, 'usr');
  const put = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  put(join(usr, 'my-web@.service'), '[Service]\nExecStart=/bin/web\nUser=usr\n');
  put(join(usr, 'my-web@.service.d/10-usr.conf'), '[Service]\nUser=from-usr-10\n');
  put(join(usr, 'my-web@.service.d/20-same.conf'), '[Service]\nUser=masked-by-etc\n');
  put(join(etc, 'my-web@blue.service.d/20-same.conf'), '[Service]\nEnvironment=SAME=etc\n');
  put(join(etc, 'my-.service.d/05-prefix.conf'), '[Service]\nEnvironment=PREFIX=1\n');
  put(join(usr, 'service.d/99-all.conf'), '[Service]\nEnvironment=ALL=1\n');
  mkdirSync(join(usr, 'service.d/50-dir.conf'), { recursive: true });
  symlinkSync('/dev/null', join(etc, 'my-web@blue.service.d/10-usr.conf'));
  put(join(etc, 'masked.service'), '');
  put(join(usr, 'masked.service'), '[Service]\nExecStart=/bin/x\n');
  symlinkSync('/dev/null', join(etc, 'nulled.service'));

  it("reads an instance from its template and applies the drop-ins in systemd's order", () => {
    const r = loadUnitWithDropIns([etc, usr], 'my-web@blue.service')!;
    expect(r.path).toBe(join(usr, 'my-web@.service'));
    expect(r.masked).toBe(false);
    expect(r.dropInPaths).toEqual([
      join(etc, 'my-.service.d/05-prefix.conf'),
      join(etc, 'my-web@blue.service.d/10-usr.conf'),
      join(etc, 'my-web@blue.service.d/20-same.conf'),
      join(usr, 'service.d/99-all.conf'),
    ]);
    // 10-usr.conf is masked by an empty file of the same name in a higher-priority directory.
    expect(getValue(r.unit, 'Service', 'User')).toBe('usr');
    expect(getList(r.unit, 'Service', 'Environment')).toEqual(['PREFIX=1', 'SAME=etc', 'ALL=1']);
  });

  it('prefers the unit directory listed first and reports masked units', () => {
    expect(loadUnitWithDropIns([etc, usr], 'masked.service')).toMatchObject({
      path: join(etc, 'masked.service'),
      masked: true,
      dropInPaths: [],
    });
    expect(loadUnitWithDropIns([usr, etc], 'masked.service')).toMatchObject({ path: join(usr, 'masked.service'), masked: false });
    expect(loadUnitWithDropIns([etc, usr], 'nulled.service')).toMatchObject({ masked: true });
    expect(loadUnitWithDropIns([etc, usr], 'absent.service')).toBeUndefined();
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'drop-in order against systemd-analyze verify');

describe.skipIf(missing.length > 0)('agreement with systemd 252 itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'unit-file-dropins-oracle-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The drop-ins systemd reads for `unit`, in order: each one has an unknown key that it warns about. */
  function systemdOrder(dirs: string[], unit: string): string[] {
    const r = spawnSync('systemd-analyze', ['verify', unit], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, SYSTEMD_UNIT_PATH: dirs.join(':') },
    });
    const files = [...`${r.stdout}${r.stderr}`.matchAll(/^(\/\S+\.conf):\d+: Unknown key/gm)].map((m) => m[1]!);
    return files.filter((f, i) => files.indexOf(f) === i);
  }

  it.each([
    ['foo-bar-baz.service', 'foo-bar-baz.service'],
    ['a-b-c@i.service', 'a-b-c@.service'],
    ['x-y.socket', 'x-y.socket'],
  ])('orders and masks the drop-ins of %s as systemd does', (unit, file) => {
    const dirs = [join(root, unit, 'high'), join(root, unit, 'low')];
    const body = unit.endsWith('.socket') ? '[Socket]\nListenStream=/run/x.sock\n' : '[Service]\nType=oneshot\nExecStart=/bin/true\n';
    mkdirSync(dirs[1]!, { recursive: true });
    writeFileSync(join(dirs[1]!, file), `[Unit]\nDefaultDependencies=no\n${body}`);
    const section = unit.endsWith('.socket') ? 'Socket' : 'Service';
    // Every directory systemd might consult gets files with a shared name and one of its own.
    let k = 0;
    for (const dir of dirs) {
      for (const d of dropInDirsFor(unit)) {
        mkdirSync(join(dir, d), { recursive: true });
        for (const name of ['50-same.conf', `${String(k).padStart(2, '0')}-own.conf`, 'Z-shared.conf']) {
          writeFileSync(join(dir, d, name), `[${section}]\nXKey${k++}=1\n`);
        }
      }
    }
    const ours = loadUnitWithDropIns(dirs, unit)!.dropInPaths;
    expect(ours.length).toBeGreaterThan(4);
    expect(ours).toEqual(systemdOrder(dirs, unit));
  });
});
