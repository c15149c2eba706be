// Hostile values on their way into generated units: newlines, CRs, NULs, trailing backslashes and
// lines over systemd's limit in every metadata field and package file that reaches a unit, and
// path traversal in every value joined into an output path. Refused values skip their service
// only; nothing they carry reaches any file; nothing is written outside the output directory.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROP_IN_NAME, UNIT_LINE_MAX } from '../../sdk/contract.ts';
import { readGeneratorInput } from '../../generator/input/read-input.ts';
import { writePlanFiles } from '../../generator/output/write-tree.ts';
import { planGeneration } from '../../generator/plan/plan-generation.ts';
import { unitTextProblems } from '../../generator/plan/unit-text.ts';
import type { GeneratorInput } from '../../generator/plan/types.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';
import {
  buildRoot,
  codesOf,
  goodPackage,
  listTree,
  packageWith,
  runBesideGood,
  runHostile,
  withWork,
  type HostilePackage,
} from './units-harness.ts';

/** What an injected line would look like if it got through. */
const INJECTED = 'ExecStartPre=+/bin/sh -c "cat /run/composable/credentials/*/*"';

function noInjectedLine(files: Map<string, string>): void {
  for (const [path, content] of files) {
    for (const line of content.split(/\r\n|\r|\n|\0/))
      expect(line.trim().startsWith('ExecStartPre=+'), `${path}: ${JSON.stringify(line)}`).toBe(false);
  }
}

/** Plan with the evil service's metadata entry replaced after reading, as a caller that skips
 *  parseMetadata could: the planner must refuse the values on its own. */
function planWithSpec(evil: Record<string, unknown>): ReturnType<typeof planGeneration> {
  return withWork((work) => {
    const root = buildRoot(work, {
      packages: [
        goodPackage(),
        { name: 'evil', units: { 'evil.service': '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n' } },
      ],
    });
    const input: GeneratorInput = readGeneratorInput(root);
    const svc = input.services[1]!;
    svc.spec = { ...svc.spec, ...evil } as typeof svc.spec;
    return planGeneration(input);
  });
}

const endings: [string, string][] = [
  ['a newline', `\n${INJECTED}`],
  ['a CR', `\r${INJECTED}`],
  ['a NUL', `\0${INJECTED}`],
  ['a trailing backslash', '\\'],
];

describe('metadata values that would break their unit line', () => {
  const fields: [string, (bad: string) => Record<string, unknown>][] = [
    ['source', (bad) => ({ source: `/run/composable/store/evil${bad}` })],
    ['credential path', (bad) => ({ credentials: { token: `/run/composable/credentials/evil/token${bad}` } })],
    ['credential id', (bad) => ({ credentials: { [`token${bad}`]: '/run/composable/credentials/evil/token' } })],
    ['environment name', (bad) => ({ environment: { [`A${bad}`]: 'x' } })],
    ['user', (bad) => ({ user: `evil${bad}` })],
    ['capability', (bad) => ({ capabilities: [`CAP_CHOWN${bad}`] })],
    ['target', (bad) => ({ target: `evil.target${bad}` })],
    ['version', (bad) => ({ version: `1.0${bad}` })],
    ['units', (bad) => ({ units: [`evil.service${bad}`] })],
    ['after', (bad) => ({ after: [`good${bad}`] })],
  ];
  for (const [field, make] of fields) {
    for (const [what, bad] of endings) {
      it(`${field} with ${what}: the planner skips that service only`, () => {
        const plan = planWithSpec(make(bad));
        expect(plan.status.services.find((s) => s.name === 'good')?.state).toBe('enabled');
        const evil = plan.status.services.find((s) => s.name === 'evil')!;
        expect(evil.state).toBe('skipped');
        expect(codesOf(evil)).toContain('service-schema');
        expect(plan.files.some((f) => f.path.includes('evil'))).toBe(false);
        noInjectedLine(new Map(plan.files.map((f) => [f.path, f.kind === 'file' ? f.content : f.target])));
      });
    }
  }

  it.each(endings)('through the generator, %s in a metadata value reaches no file and the status names the field', (_what, bad) => {
    const run = runHostile({
      packages: [
        goodPackage(),
        { ...packageWith('evil', ''), spec: { credentials: { token: `/run/composable/credentials/evil/t${bad}` } } },
      ],
    });
    noInjectedLine(run.out);
    expect(run.outside).toEqual([]);
    expect([...run.out.keys()].some((p) => p.includes('evil'))).toBe(false);
    // Per-entry isolation: the schema skips only the entry that fails it.
    expect(run.status.metadata.state).toBe('ok');
    expect(run.service('good').state).toBe('enabled');
    const evil = run.status.services.find((s) => s.state === 'skipped')!;
    expect(codesOf(evil)).toContain('service-schema');
    expect(evil.reasons!.map((r) => r.message).join('\n')).toContain('services[1].credentials.token');
  });
});

describe('environment values are written so systemd reads them back unchanged, or refused', () => {
  it('a newline, CR or trailing backslash in a value is escaped inside the quotes, never a new line', () => {
    const run = runHostile({
      packages: [
        goodPackage(),
        { ...packageWith('evil', ''), spec: { environment: { A: `x\n${INJECTED}`, B: `y\r${INJECTED}`, C: 'z\\' } } },
      ],
    });
    expect(run.service('evil').state).toBe('enabled');
    const dropIn = run.out.get(`evil.service.d/${DROP_IN_NAME}`)!;
    expect(dropIn).toContain(`Environment="A=x\\n${INJECTED.replaceAll('"', '\\"')}"\n`);
    expect(dropIn).toContain('Environment="C=z\\\\"\n');
    noInjectedLine(run.out);
    expect(unitTextProblems(dropIn)).toEqual([]);
  });

  it(`a value that makes its line reach ${UNIT_LINE_MAX} bytes skips the service (systemd would stop reading the drop-in there)`, () => {
    const evil: HostilePackage = { ...packageWith('evil', ''), spec: { user: 'nobody', environment: { BIG: 'x'.repeat(UNIT_LINE_MAX) } } };
    const { run, baseline } = runBesideGood(evil);
    expect(codesOf(run.service('evil'))).toEqual(['unit-value-unsafe']);
    expect(run.service('good').state).toBe('enabled');
    expect(run.out).toEqual(baseline.out);
  });

  it('a value just under the limit is written whole', () => {
    const value = 'x'.repeat(UNIT_LINE_MAX - 'Environment="BIG="'.length - 1);
    const run = runHostile({ packages: [{ ...packageWith('evil', ''), spec: { environment: { BIG: value } } }] });
    expect(run.service('evil').state).toBe('enabled');
    expect(run.out.get(`evil.service.d/${DROP_IN_NAME}`)).toContain(`\nEnvironment="BIG=${value}"\n`);
  });
});

describe('package unit files that systemd would read differently from the generator', () => {
  const unit = (body: string): HostilePackage => ({
    name: 'evil',
    spec: { user: 'nobody' },
    units: { 'evil.service': `[Service]\nExecStart=/usr/bin/evil\n${body}\n[Install]\nWantedBy=multi-user.target\n` },
  });
  // The package reader refuses a unit file over 1 MiB (file-too-large) and its parser reports some
  // of these itself (unit-parse-error); the generator's
  // last check on every file it writes (unit-text-unsafe) catches the rest. Either way the
  // service is skipped, and the reason names the package's file.
  it.each([
    ['a lone CR', `Description=x\rUser=root`, 'unit-text-unsafe'],
    ['a NUL', `Description=x\0User=root`, 'unit-text-unsafe'],
    ['a lone CR hiding a privileged command', `Description=x\r${INJECTED}`, 'exec-privileged-prefix'],
    ['a NUL hiding a privileged command', `Description=x\0${INJECTED}`, 'exec-privileged-prefix'],
    [
      `a line of ${UNIT_LINE_MAX} bytes`,
      `Description=${'x'.repeat(UNIT_LINE_MAX - 'Description='.length)}`,
      'unit-parse-error|unit-text-unsafe|file-too-large',
    ],
    [
      'continuation lines joined beyond the limit',
      `Description=${'x'.repeat(UNIT_LINE_MAX / 2)}\\\n${'y'.repeat(UNIT_LINE_MAX / 2)}`,
      'unit-parse-error|unit-text-unsafe|file-too-large',
    ],
  ])('%s', (_what, body, code) => {
    const { run, baseline } = runBesideGood(unit(body));
    expect(run.service('good').state).toBe('enabled');
    const evil = run.service('evil');
    expect(evil.state).toBe('skipped');
    const hit = evil.reasons!.find((r) => code.split('|').includes(r.code));
    expect(hit, JSON.stringify(evil.reasons)).toBeDefined();
    expect(hit!.file).toBe('usr/lib/systemd/system/evil.service');
    expect(run.out).toEqual(baseline.out);
  });

  it('CRLF line ends are fine', () => {
    const run = runHostile({
      packages: [
        { name: 'evil', units: { 'evil.service': '[Service]\r\nExecStart=/usr/bin/evil\r\n[Install]\r\nWantedBy=multi-user.target\r\n' } },
      ],
    });
    expect(run.service('evil').state).toBe('enabled');
  });

  it('the same holds for a package drop-in', () => {
    const { run, baseline } = runBesideGood({
      name: 'evil',
      units: {
        'evil.service': '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n',
        'evil.service.d/10-x.conf': `[Service]\nDescription=x\rUser=root\n`,
      },
    });
    expect(codesOf(run.service('evil'))).toContain('unit-text-unsafe');
    expect(run.service('evil').reasons!.find((r) => r.code === 'unit-text-unsafe')!.file).toBe(
      'usr/lib/systemd/system/evil.service.d/10-x.conf',
    );
    expect(run.out).toEqual(baseline.out);
  });
});

describe('values joined into output paths never leave the output directory', () => {
  /** Plan after mutating what was read (as a crafted squashfs image could deliver it), write it, look. */
  function planMutated(mutate: (input: GeneratorInput) => void): {
    plan: ReturnType<typeof planGeneration>;
    tree: Map<string, string>;
    outside: string[];
  } {
    return withWork((work) => {
      const root = buildRoot(work, {
        packages: [
          goodPackage(),
          {
            name: 'evil',
            units: {
              'evil.service': '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n',
              'evil.service.d/10-x.conf': '[Service]\n',
            },
          },
        ],
      });
      const input = readGeneratorInput(root);
      mutate(input);
      const plan = planGeneration(input);
      const outDir = join(work, 'deep/out');
      mkdirSync(outDir, { recursive: true });
      const before = new Set(listTree(work).keys());
      writePlanFiles(outDir, plan.files);
      const outside = [...listTree(work).keys()].filter((k) => !before.has(k) && !k.startsWith('deep/out/'));
      return { plan, tree: listTree(outDir), outside };
    });
  }
  const evilPkg = (input: GeneratorInput) => input.services[1]!.pkg!;

  it.each([
    [
      'a unit name with ../',
      (i: GeneratorInput) => {
        evilPkg(i).units[0]!.name = '../../escape.service';
      },
    ],
    [
      'an absolute unit name',
      (i: GeneratorInput) => {
        evilPkg(i).units[0]!.name = '/etc/systemd/system/escape.service';
      },
    ],
    [
      'a unit name with an empty segment',
      (i: GeneratorInput) => {
        evilPkg(i).units[0]!.name = 'evil.service//x';
      },
    ],
    [
      'a drop-in name with ../',
      (i: GeneratorInput) => {
        evilPkg(i).units[0]!.dropIns[0]!.name = '../../../escape.conf';
      },
    ],
    [
      'a drop-in name with a newline',
      (i: GeneratorInput) => {
        evilPkg(i).units[0]!.dropIns[0]!.name = 'a\nb.conf';
      },
    ],
    [
      'a target with ../',
      (i: GeneratorInput) => {
        evilPkg(i).manifest.target = '../../escape.target';
      },
    ],
  ])('%s', (_what, mutate) => {
    const { plan, tree, outside } = planMutated(mutate);
    expect(outside).toEqual([]);
    expect(plan.status.services.find((s) => s.name === 'good')?.state).toBe('enabled');
    const evil = plan.status.services.find((s) => s.name === 'evil')!;
    expect(evil.state).toBe('skipped');
    expect(codesOf(evil)).toContain('output-path-unsafe');
    expect([...tree.keys()].some((p) => p.includes('evil') || p.includes('escape'))).toBe(false);
  });
});

const missingAnalyze = missingRequirements([requirement.systemdAnalyze], 'unit-file line limits against systemd-analyze verify');

describe.skipIf(missingAnalyze.length > 0)("the line checks agree with systemd 252's parser", () => {
  const L = UNIT_LINE_MAX;
  const key = 'Description=';
  // Each text is a whole unit file; systemd loads it exactly when unitTextProblems finds nothing.
  const cases: [string, string][] = [
    ['a line of L-1 bytes', `${key}${'x'.repeat(L - 1 - key.length)}`],
    ['a line of L bytes', `${key}${'x'.repeat(L - key.length)}`],
    [
      'a line of L-1 bytes with multi-byte characters',
      `${key}${'é'.repeat((L - 1 - key.length) / 2)}${'x'.repeat((L - 1 - key.length) % 2)}`,
    ],
    ['a line of L bytes with multi-byte characters', `${key}${'é'.repeat((L - key.length) / 2)}`],
    ['continued lines of L bytes joined', `${key}${'x'.repeat(L / 2 - key.length - 1)}\\\n${'y'.repeat(L / 2)}`],
    ['continued lines of L+1 bytes joined', `${key}${'x'.repeat(L / 2 - key.length - 1)}\\\n${'y'.repeat(L / 2 + 1)}`],
    [
      'a long comment inside a continuation does not count',
      `${key}${'x'.repeat(L / 2 - key.length - 1)}\\\n#${'c'.repeat(L - 2)}\n${'y'.repeat(L / 2)}`,
    ],
    ['a comment line of L bytes', `#${'c'.repeat(L - 1)}`],
  ];
  it.each(cases)('%s', (_what, line) => {
    withWork((work) => {
      const text = `[Unit]\n${line}\n[Service]\nExecStart=/bin/true\n`;
      const file = join(work, 'limit.service');
      writeFileSync(file, text);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', timeout: 60_000 });
      const systemdLoads = !/failed to load|No buffer space/i.test(`${r.stdout}${r.stderr}`);
      expect(unitTextProblems(text).length === 0, `${r.stdout}${r.stderr}`).toBe(systemdLoads);
    });
  });
});
