// The four output formats on one result: stylish (text, colors, code frames), json, github
// workflow commands and SARIF 2.1.0 (validated against the official schema when it is installed).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LintResult } from '../../../lint/engine.ts';
import { formatGithub, escapeData, escapeProperty } from '../../../lint/formatters/github.ts';
import { formatJson } from '../../../lint/formatters/json.ts';
import { REPOSITORY_URL, RULES_DOC_URL, ruleAnchor } from '../../../lint/docs/rule-links.ts';
import { artifactLocationOf, buildSarif, SRCROOT, toUri } from '../../../lint/formatters/sarif.ts';
import { formatStylish } from '../../../lint/formatters/stylish.ts';
import { RULES } from '../../../lint/rules/index.ts';
import type { Diagnostic } from '../../../lint/types.ts';

const UNIT = 'demo/usr/lib/systemd/system/demo.service';
const SOURCE = '[Unit]\nDescription=Demo\n[Service]\nExecStrat=/usr/bin/demo\nDynamicUser=maybe\n';

function result(diagnostics: Diagnostic[]): LintResult {
  return {
    diagnostics,
    sources: new Map([[UNIT, SOURCE]]),
    fileCount: 2,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
    warningCount: diagnostics.filter((d) => d.severity === 'warning').length,
    infoCount: diagnostics.filter((d) => d.severity === 'info').length,
  };
}

const DIAGNOSTICS: Diagnostic[] = [
  {
    file: UNIT,
    line: 4,
    column: 1,
    endLine: 4,
    endColumn: 10,
    ruleId: 'unit/unknown-directive',
    severity: 'error',
    message: 'Unknown key ExecStrat= in section [Service]; systemd ignores it',
    hint: 'Did you mean ExecStart=?',
  },
  {
    file: UNIT,
    line: 5,
    column: 13,
    endLine: 5,
    endColumn: 18,
    ruleId: 'unit/invalid-boolean',
    severity: 'error',
    message: 'DynamicUser=maybe is not a boolean; systemd ignores the line',
    hint: 'Use yes or no.',
  },
  {
    file: 'demo',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    ruleId: 'package/name-mismatch',
    severity: 'warning',
    message: 'Package is named "demo, 100%" but\nits ID differs',
    hint: 'Rename it.',
  },
];

describe('stylish', () => {
  it('prints file:line:col, severity, message, rule id, a code frame and the hint', () => {
    const out = formatStylish(result(DIAGNOSTICS));
    expect(out).toBe(
      [
        `${UNIT}:4:1 error Unknown key ExecStrat= in section [Service]; systemd ignores it  unit/unknown-directive`,
        '  > 4 | ExecStrat=/usr/bin/demo',
        '      | ^^^^^^^^^',
        '  hint: Did you mean ExecStart=?',
        `${UNIT}:5:13 error DynamicUser=maybe is not a boolean; systemd ignores the line  unit/invalid-boolean`,
        '  > 5 | DynamicUser=maybe',
        '      |             ^^^^^',
        '  hint: Use yes or no.',
        'demo:1:1 warning Package is named "demo, 100%" but\nits ID differs  package/name-mismatch',
        '  hint: Rename it.',
        '',
        '✖ 3 problems (2 errors, 1 warning) in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('colors only when asked', () => {
    expect(formatStylish(result(DIAGNOSTICS))).not.toContain('\u001b[');
    const colored = formatStylish(result(DIAGNOSTICS), { color: true });
    expect(colored).toContain('\u001b[31merror\u001b[39m');
    expect(colored).toContain('\u001b[33mwarning\u001b[39m');
  });

  it('prints nothing for a clean result', () => {
    expect(formatStylish(result([]))).toBe('');
  });
});

describe('json', () => {
  it('is the diagnostics and the counts', () => {
    const parsed = JSON.parse(formatJson(result(DIAGNOSTICS))) as { diagnostics: Diagnostic[]; errorCount: number; warningCount: number };
    expect(parsed.diagnostics).toEqual(DIAGNOSTICS);
    expect(parsed.errorCount).toBe(2);
    expect(parsed.warningCount).toBe(1);
  });
});

describe('github', () => {
  it('writes one workflow command per finding, escaped', () => {
    const lines = formatGithub(result(DIAGNOSTICS)).trimEnd().split('\n');
    expect(lines[0]).toBe(
      `::error file=${UNIT},line=4,col=1,endLine=4,endColumn=10,title=unit/unknown-directive::Unknown ` +
        `key ExecStrat= in section [Service]; systemd ignores it%0ADid you mean ExecStart=?`,
    );
    expect(lines[2]).toBe(
      '::warning file=demo,line=1,col=1,title=package/name-mismatch::Package is named "demo, 100%25" but%0Aits ID differs%0ARename it.',
    );
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    expect(escapeData('x\r\ny')).toBe('x%0D%0Ay');
  });

  it('turns info into notice', () => {
    const info = { ...DIAGNOSTICS[0]!, severity: 'info' as const };
    expect(formatGithub(result([info]))).toMatch(/^::notice /);
  });
});

/** The official SARIF 2.1.0 schema and a draft-04 validator, from the devDependencies. */
function sarifValidator(): ((doc: unknown) => { ok: boolean; errors: string }) | undefined {
  const bases = [join(process.cwd(), 'package.json')];
  for (const base of bases) {
    try {
      const require = createRequire(base);
      const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
      const AjvDraft04 = require('ajv-draft-04') as { default?: new (o: object) => AjvLike } & (new (o: object) => AjvLike);
      const Ctor = AjvDraft04.default ?? AjvDraft04;
      // The official schema has a pattern that is invalid with the u flag ("{2}]?"): compile without it.
      const ajv = new Ctor({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
      const validate = ajv.compile(schema);
      return (doc) => {
        const ok = validate(doc) as boolean;
        return { ok, errors: JSON.stringify(validate.errors ?? [], null, 1) };
      };
    } catch {}
  }
  return undefined;
}
interface AjvLike {
  compile(schema: object): ((doc: unknown) => boolean) & { errors?: unknown[] | null };
}

interface SarifLog {
  version: string;
  $schema: string;
  runs: {
    tool: {
      driver: {
        name: string;
        informationUri: string;
        rules: { id: string; helpUri: string; defaultConfiguration: { level: string }; shortDescription: { text: string } }[];
      };
    };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> } }[];
    }[];
  }[];
}

const REPO = join(import.meta.dirname, '../../..');
const LINT_ROOT = '/work/project with space';

describe('sarif', () => {
  const sarif = buildSarif(result(DIAGNOSTICS), { srcRoot: LINT_ROOT }) as unknown as SarifLog;

  it('has one run with every rule as a reportingDescriptor', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.name).toBe('composable-lint');
    expect(driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const r of driver.rules) {
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
    }
  });

  it('maps each finding to a result with rule index, level and region', () => {
    const [first, , third] = sarif.runs[0]!.results;
    expect(first!.ruleId).toBe('unit/unknown-directive');
    expect(sarif.runs[0]!.tool.driver.rules[first!.ruleIndex]!.id).toBe('unit/unknown-directive');
    expect(first!.level).toBe('error');
    expect(first!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: UNIT, uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 1, endLine: 4, endColumn: 10 },
    });
    expect(third!.level).toBe('warning');
    expect(third!.locations[0]!.physicalLocation.region).toEqual({ startLine: 1 });
    expect(toUri('/abs/path with space/a.service')).toBe('file:///abs/path%20with%20space/a.service');
    expect(toUri('pkg.tar.gz!/usr/lib/os-release')).toBe('pkg.tar.gz!/usr/lib/os-release');
  });

  it("links every rule to its section of docs/rules.md in package.json's repository", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { repository: { url: string } };
    expect(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')).toBe(REPOSITORY_URL);
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.informationUri).toBe(REPOSITORY_URL);
    // The page as lint/docs/rules-doc.ts writes it (test/lint/docs keeps the checked-in file current):
    // each rule's section starts with the anchor its helpUri names, then the rule's heading.
    const page = readFileSync(join(REPO, 'docs/rules.md'), 'utf8');
    const sections = new Map([...page.matchAll(/^<a id="([^"]+)"><\/a>\n### `([^`]+)`$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(sections.size).toBe(RULES.length);
    for (const r of driver.rules) {
      const url = new URL(r.helpUri);
      expect(`${url.origin}${url.pathname}`).toBe(RULES_DOC_URL);
      expect(RULES_DOC_URL.endsWith('/docs/rules.md')).toBe(true);
      expect(sections.get(url.hash.slice(1)), `${r.helpUri}: no such anchor in docs/rules.md`).toBe(r.id);
    }
    expect(ruleAnchor('unit/unknown-directive')).toBe('unit-unknown-directive');
  });

  it('locates files relative to %SRCROOT%, the lint root as a file URI ending in /', () => {
    const base = sarif.runs[0]!.originalUriBaseIds[SRCROOT]!.uri;
    expect(base).toBe('file:///work/project%20with%20space/');
    expect(sarif.runs[0]!.results).toHaveLength(DIAGNOSTICS.length);
    sarif.runs[0]!.results.forEach((r, i) => {
      const { uri, uriBaseId } = r.locations[0]!.physicalLocation.artifactLocation;
      expect(uriBaseId).toBe(SRCROOT);
      // Resolved against its base, the URI is the file the finding names.
      expect(new URL(uri, base).href).toBe(pathToFileURL(join(LINT_ROOT, DIAGNOSTICS[i]!.file)).href);
    });
    // An absolute path inside the root is made relative; outside it (or climbing out) stays absolute, with no base.
    expect(artifactLocationOf(`${LINT_ROOT}/pkg/usr/lib/os-release`, LINT_ROOT)).toEqual({
      uri: 'pkg/usr/lib/os-release',
      uriBaseId: SRCROOT,
    });
    expect(artifactLocationOf('/elsewhere/a b.service', LINT_ROOT)).toEqual({ uri: 'file:///elsewhere/a%20b.service' });
    expect(artifactLocationOf('../other/a.service', LINT_ROOT)).toEqual({ uri: 'file:///work/other/a.service' });
    expect(artifactLocationOf('..pkg/a.service', LINT_ROOT)).toEqual({ uri: '..pkg/a.service', uriBaseId: SRCROOT });
    expect(artifactLocationOf('pkg.tar.gz!/usr/lib/os-release', LINT_ROOT)).toEqual({
      uri: 'pkg.tar.gz!/usr/lib/os-release',
      uriBaseId: SRCROOT,
    });
    // The working directory by default.
    const fromCwd = buildSarif(result(DIAGNOSTICS)) as unknown as SarifLog;
    expect(fromCwd.runs[0]!.originalUriBaseIds[SRCROOT]!.uri).toBe(`${pathToFileURL(process.cwd()).href}/`);
  });

  it('validates against the official SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    // ajv-draft-04 and @microsoft/jest-sarif (the official schema file) are devDependencies.
    expect(validate, 'devDependencies ajv-draft-04 and @microsoft/jest-sarif must be installed (npm ci)').toBeDefined();
    const verdict = validate!(sarif);
    expect(verdict.errors).toBe('[]');
    expect(verdict.ok).toBe(true);
    // And a log with no results, and one with a file outside the root (an absolute URI, no base).
    expect(validate!(buildSarif(result([]))).ok).toBe(true);
    const outside = buildSarif(result([{ ...DIAGNOSTICS[0]!, file: '/elsewhere/demo.service' }]), { srcRoot: LINT_ROOT });
    expect(validate!(outside).errors).toBe('[]');
  });
});
