// Agreement with systemd: on every unit file of this machine unit/unknown-directive reports
// nothing, and for typos injected into copies of them it reports the lines where
// `systemd-analyze verify` says "Unknown key 'X' in section [Y], ignoring.".
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirements, requirement } from '../../../helpers/requirements.ts';
import { parseUnitFile } from '../../../../sdk/unit-file/parse.ts';
import type { EntryNode, UnitFile } from '../../../../sdk/unit-file/types.ts';
import { isKnownDirective, sectionsFor, unitTypeOf } from '../../../../lint/directives.ts';
import { isRemoved } from '../../../../lint/data/deprecated.ts';
import { lintUnitText } from '../../../../lint/engine.ts';
import { rule as unknownDirective } from '../../../../lint/rules/unit/unknown-directive.ts';
import { rule as unknownSection } from '../../../../lint/rules/unit/unknown-section.ts';

const ROOTS = ['/usr/lib/systemd', '/etc/systemd'];

/** Unit files and drop-ins below the roots (regular files, following no symlinks). */
function machineUnitFiles(): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isDirectory()) visit(path);
      else if (
        st.isFile() &&
        (unitTypeOf(name) || (name.endsWith('.conf') && dir.endsWith('.d') && unitTypeOf(basename(dir).slice(0, -2))))
      )
        out.push(path);
    }
  };
  for (const root of ROOTS) if (existsSync(root)) visit(root);
  return out;
}

/** `file:line: Unknown key 'X' in section [Y], ignoring.` (older systemd: "Unknown key name 'X' in section 'Y'"). */
const UNKNOWN_KEY = /^(.+?):(\d+): Unknown key (?:name )?'([^']+)' in section (?:\[([^\]]+)\]|'([^']+)'), ignoring\.?$/;

const missing = missingRequirements([requirement.systemdAnalyze], 'unknown-directive agreement with systemd-analyze');

describe("unit/unknown-directive on this machine's unit files", () => {
  it('reports nothing on any of them (and neither does unit/unknown-section)', () => {
    const files = machineUnitFiles();
    expect(files.length).toBeGreaterThan(50);
    const findings: string[] = [];
    for (const path of files) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const name = path.endsWith('.conf') ? basename(dirname(path)).slice(0, -2) : basename(path);
      const result = lintUnitText(path.endsWith('.conf') ? basename(path) : name, text, {
        file: path,
        rules: [unknownDirective, unknownSection],
      });
      for (const d of result.diagnostics) findings.push(`${d.file}:${d.line}: ${d.message}`);
    }
    expect(findings).toEqual([]);
  });
});

/** A misspelling of `key` that systemd does not know in `section`. */
function typo(key: string, section: string, seed: number): string | undefined {
  const variants = [
    key.slice(0, -1), // drop the last letter
    `${key.slice(0, 1)}${key.slice(2)}`, // drop the second letter
    key.length > 3 ? `${key.slice(0, 2)}${key[3]}${key[2]}${key.slice(4)}` : `${key}x`, // swap two letters
    `${key}s`,
  ];
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(seed + i) % variants.length]!;
    if (v && /^[A-Za-z]/.test(v) && !v.startsWith('X-') && !isKnownDirective(section, v) && !isRemoved(section, v)) return v;
  }
  return undefined;
}

describe.skipIf(missing.length > 0)('unit/unknown-directive agrees with systemd-analyze verify on injected typos', () => {
  const work = mkdtempSync(join(tmpdir(), 'composable-lint-typos-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reports the same file, line and key as systemd', () => {
    // Non-template units of the types verify can load from a path, a deterministic sample.
    const candidates = machineUnitFiles()
      .filter((p) => !p.endsWith('.conf') && !basename(p).includes('@'))
      .filter((p) => ['service', 'socket', 'timer', 'path', 'target', 'mount'].includes(unitTypeOf(basename(p)) ?? ''))
      .filter((p, i, all) => all.findIndex((q) => basename(q) === basename(p)) === i);
    expect(candidates.length).toBeGreaterThan(20);
    const expected = new Map<string, string>(); // "file:line" -> key
    const files: string[] = [];
    candidates.forEach((path, n) => {
      const text = readFileSync(path, 'utf8');
      const parsed: UnitFile = parseUnitFile(text, path);
      const allowed = sectionsFor(unitTypeOf(basename(path))) ?? [];
      const lines = text.split('\n');
      const entries: { section: string; entry: EntryNode }[] = [];
      for (const s of parsed.sections) {
        if (!allowed.includes(s.name)) continue;
        for (const node of s.nodes) if (node.type === 'entry') entries.push({ section: s.name, entry: node });
      }
      if (entries.length === 0) return;
      // Up to two typos per file, spread over its entries.
      const picks = new Set([n % entries.length, (n * 7 + 3) % entries.length]);
      let changed = false;
      for (const i of picks) {
        const { section, entry } = entries[i]!;
        const bad = typo(entry.key, section, n + i);
        const line = entry.keyRange?.line ?? entry.range?.line;
        if (!bad || line === undefined) continue;
        const raw = lines[line - 1]!;
        const at = raw.indexOf(entry.key);
        lines[line - 1] = `${raw.slice(0, at)}${bad}${raw.slice(at + entry.key.length)}`;
        expected.set(`${basename(path)}:${entry.range?.endLine ?? line}`, bad);
        changed = true;
      }
      if (!changed) return;
      const copy = join(work, basename(path));
      writeFileSync(copy, lines.join('\n'));
      files.push(copy);
    });
    expect(files.length).toBeGreaterThan(20);

    // systemd's view: verify in batches; it exits non-zero for unrelated problems (missing binaries).
    const systemd = new Map<string, string>();
    for (let i = 0; i < files.length; i += 60) {
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files.slice(i, i + 60)], {
        encoding: 'utf8',
        timeout: 120_000,
        cwd: work,
      });
      for (const line of (r.stderr ?? '').split('\n')) {
        const m = UNKNOWN_KEY.exec(line.trim());
        if (m) systemd.set(`${basename(m[1]!)}:${m[2]}`, m[3]!);
      }
    }

    // Ours.
    const ours = new Map<string, string>();
    for (const file of files) {
      const result = lintUnitText(basename(file), readFileSync(file, 'utf8'), { file, rules: [unknownDirective] });
      for (const d of result.diagnostics) ours.set(`${basename(d.file)}:${d.endLine}`, /Unknown key (\S+)=/.exec(d.message)![1]!);
    }

    expect(systemd.size).toBeGreaterThan(20);
    expect(new Map([...systemd].sort())).toEqual(new Map([...ours].sort()));
    expect(new Map([...ours].sort())).toEqual(new Map([...expected].sort()));
  }, 120_000);

  it('agrees on a unit with continuation lines, X- keys and keys of other unit types', () => {
    const dir = mkdtempSync(join(work, 'sample-'));
    const path = join(dir, 'composable-lint-sample.service');
    const text = [
      '[Unit]',
      'Description=sample \\',
      '  continued',
      'Descripton=typo \\',
      '  over two lines',
      'X-Vendor=ours',
      '[Service]',
      'ExecStart=/bin/true',
      'ListenStream=80',
      'OnCalendar=daily',
      'Capabilities=cap_net_admin+ep',
      '[Install]',
      'WantedBy=multi-user.target',
      'Wants=foo.service',
      '',
    ].join('\n');
    writeFileSync(path, text);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8', timeout: 60_000 });
    const systemdLines = (r.stderr ?? '')
      .split('\n')
      .map((l) => UNKNOWN_KEY.exec(l.trim()))
      .filter((m) => m && m[1] === path)
      .map((m) => `${m![2]} ${m![3]}`);
    const ours = lintUnitText('composable-lint-sample.service', text, { rules: [unknownDirective] }).diagnostics.map(
      (d) => `${d.endLine} ${/Unknown key (\S+)=/.exec(d.message)![1]}`,
    );
    expect(systemdLines).toEqual(['5 Descripton', '9 ListenStream', '10 OnCalendar', '14 Wants']);
    expect(ours).toEqual(systemdLines);
  });
});

describe.skipIf(missing.length > 0)('lint/data/directives.json', () => {
  it('matches the systemd installed here, or names the version it came from', () => {
    const version = execFileSync('/lib/systemd/systemd', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    const table = JSON.parse(
      readFileSync(join(dirname(new URL(import.meta.url).pathname), '../../../../lint/data/directives.json'), 'utf8'),
    ) as { systemd: { version: number; full: string } };
    expect(version).toMatch(/^systemd \d+/);
    if (version.startsWith(`systemd ${table.systemd.version} `)) {
      const r = spawnSync('node', [join(dirname(new URL(import.meta.url).pathname), '../../../../scripts/gen-directives.mjs'), '--check'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr + r.stdout).toContain('up to date');
      expect(r.status).toBe(0);
    } else {
      // Another systemd: the checked-in table still says which one it describes.
      expect(table.systemd.full).toMatch(/^\d+/);
    }
    expect(statSync('/lib/systemd/systemd').isFile()).toBe(true);
  });
});
