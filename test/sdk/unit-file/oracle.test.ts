// parseUnitFile against systemd 252 itself: `systemd-analyze verify` reads the fixture and names,
// line by line, the values it read (RemainAfterExit= takes a boolean, so every value there is
// printed back), the keys it does not know and the lines it ignores. Our model must predict
// exactly those messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatUnitFile, isOpenContinuation } from '../../../sdk/unit-file/format.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import type { UnitFile } from '../../../sdk/unit-file/types.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/unit-file/oracle.service');
const KNOWN = new Set(['Description', 'DefaultDependencies', 'Type', 'ExecStart', 'RemainAfterExit']);

/** What systemd will say about the file, predicted from our model. */
function predicted(f: UnitFile): string[] {
  const out: string[] = [];
  for (const s of f.sections) {
    if (s.name.startsWith('X-')) continue; // systemd ignores X- sections silently
    for (const n of s.nodes) {
      if (n.type !== 'entry') continue;
      // systemd counts a continuation still open at the end of the file one line further.
      const line = n.range!.endLine + (isOpenContinuation(n) ? 1 : 0);
      if (n.key === 'RemainAfterExit') out.push(`${line} bool ${n.value}`);
      else if (!KNOWN.has(n.key)) out.push(`${line} unknown ${n.key}`);
    }
  }
  for (const p of f.problems) {
    if (/not an assignment/.test(p.message)) out.push(`${p.endLine} missing-eq`);
    else if (/without a key/.test(p.message)) out.push(`${p.endLine} missing-key`);
    else if (/section header|section name/.test(p.message)) out.push(`${p.endLine} bad-header`);
    else out.push(`${p.endLine} other ${p.message}`);
  }
  return out.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
}

function systemdSays(path: string): string[] {
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8', timeout: 30_000 });
  const out: string[] = [];
  for (const l of `${r.stdout}${r.stderr}`.split('\n')) {
    if (!l.startsWith(`${path}:`)) continue;
    const rest = l.slice(path.length + 1);
    const line = parseInt(rest, 10);
    const msg = rest.slice(rest.indexOf(': ') + 2);
    let m: RegExpExecArray | null;
    if ((m = /^Failed to parse boolean value, ignoring: (.*)$/.exec(msg))) out.push(`${line} bool ${m[1]}`);
    else if ((m = /^Unknown key '(.*)' in section/.exec(msg))) out.push(`${line} unknown ${m[1]}`);
    else if (/^Missing '='/.test(msg)) out.push(`${line} missing-eq`);
    else if (/^Missing key name/.test(msg)) out.push(`${line} missing-key`);
    else if (/section header/.test(msg)) out.push(`${line} bad-header`);
    else out.push(`${line} other ${msg}`);
  }
  return out.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
}

describe('the oracle fixture', () => {
  it('round-trips and has the model the comments in it describe', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const f = parseUnitFile(text, FIXTURE);
    expect(formatUnitFile(f)).toBe(text);
    expect(predicted(f)).toEqual([
      '17 bool a     b\\\\ c',
      '18 bool x#y;z',
      '19 bool escaped\\\\',
      '20 bool tab\tinside\t value',
      '21 bool "quotes" \'stay\'',
      '22 unknown Foo',
      '23 missing-eq',
      '24 missing-key',
      '25 unknown Bar',
      '26 unknown \uFEFFBaz',
      '27 unknown Key With Space',
      '29 unknown Uni code\u00e9',
      '30 bool crlf value',
      '31 bool lone',
      '32 unknown Qux',
      '38 bool second  header  section',
      '40 bool end',
    ]);
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'unit file parsing against systemd-analyze verify');

describe.skipIf(missing.length > 0)('agreement with systemd 252 itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unit-file-oracle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('systemd reads the fixture exactly as the model predicts', () => {
    const f = parseUnitFile(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    expect(systemdSays(FIXTURE)).toEqual(predicted(f));
  });

  it.each([
    ['an unterminated section header', '[Unit]\nDescription=x\n[Service\nFoo=1\n', 3],
    ['a section name with a quote', '[Unit]\nDescription=x\n[Ser"vice]\nFoo=1\n', 3],
    ['a section header continued into the next line', '[Unit]\nDescription=x\n[Service] \\\nFoo=1\n', 4],
  ])('stops reading at %s, where the model reports an error', (_name, text, line) => {
    const path = join(dir, 'fatal.service');
    writeFileSync(path, text);
    const f = parseUnitFile(text, path);
    expect(f.problems.map((p) => [p.endLine, p.severity])).toEqual([[line, 'error']]);
    // systemd names the header and nothing after it: it stopped reading there.
    expect(systemdSays(path)).toEqual([`${line} bad-header`]);
  });
});
