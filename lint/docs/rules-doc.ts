// Renders docs/rules.md from the rule registry and each rule's fixtures: every rule with its
// default severity, what it checks, an example and the real output of `composable lint` on it.
// `npx tsx lint/docs/rules-doc.ts` rewrites the file; test/lint/docs/rules-doc.test.ts fails when the
// checked-in file differs from what this renders.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIRECTIVES_SYSTEMD_FULL } from '../directives.ts';
import { formatStylish } from '../formatters/stylish.ts';
import { RULES } from '../rules/index.ts';
import { ruleAnchor } from './rule-links.ts';
import { runFixture, type FileSpec, type Fixture, type RuleFixtures } from '../testing/fixtures.ts';
import { RULE_GROUPS, type Rule } from '../types.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const RULES_DOC_PATH = join(here, '../../docs/rules.md');

const GROUP_TITLES: Record<string, string> = {
  package: 'Package: layout, os-release, names, files',
  unit: 'Unit files: syntax, directives, values',
  coherence: 'Coherence: programs, targets, dependencies',
  policy: 'Policy: privileges, hardening, site rules',
  portable: 'Portable: images that also attach with portablectl (chroot-mode packages, or `"policy": { "portable": true }`)',
  metadata: 'Metadata: what the agent writes',
  comment: 'Comments: the suppression comments themselves',
};

/** `warning`, or `off (warning when on)` for a rule that is off by default. */
function defaultOf(rule: Rule, strong = false): string {
  const b = (s: string) => (strong ? `**${s}**` : s);
  return rule.meta.offByDefault ? `${b('off')} (${b(rule.meta.severity)} when turned on)` : b(rule.meta.severity);
}

async function fixturesOf(rule: Rule): Promise<RuleFixtures> {
  const url = pathToFileURL(join(here, '../rules', `${rule.meta.id}.fixtures.ts`)).href;
  return ((await import(url)) as { fixtures: RuleFixtures }).fixtures;
}

function fence(lang: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body.replace(/\n+$/, '')}\n${ticks}`;
}

function describeSpec(spec: FileSpec): string {
  if (typeof spec === 'string') return '';
  if ('symlink' in spec) return ` -> ${spec.symlink}`;
  if ('dir' in spec) return `/ (directory${spec.mode !== undefined ? `, mode ${spec.mode.toString(8).padStart(4, '0')}` : ''})`;
  const mode = spec.mode !== undefined ? `mode ${spec.mode.toString(8).padStart(4, '0')}` : '';
  if ('copyFrom' in spec) return ` (copy of ${spec.copyFrom}${mode ? `, ${mode}` : ''})`;
  const binary = typeof spec.content !== 'string';
  return binary || mode ? ` (${[binary ? 'binary' : '', mode].filter(Boolean).join(', ')})` : '';
}

function textOf(spec: FileSpec | undefined): string | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') return spec;
  if ('content' in spec && typeof spec.content === 'string') return spec.content;
  return undefined;
}

function langOf(path: string): string {
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('os-release')) return 'sh';
  return 'ini';
}

async function example(rule: Rule, fixture: Fixture): Promise<string> {
  const run = await runFixture(fixture);
  try {
    const mine = run.result.diagnostics.filter((d) => d.ruleId === rule.meta.id);
    const filtered = {
      ...run.result,
      diagnostics: mine,
      errorCount: mine.filter((d) => d.severity === 'error').length,
      warningCount: mine.filter((d) => d.severity === 'warning').length,
      infoCount: mine.filter((d) => d.severity === 'info').length,
    };
    const parts: string[] = [];
    const files = Object.keys(fixture.files);
    // Show the text files the findings point at, and the tree when a finding is about files.
    const shown = [...new Set(mine.map((d) => d.file.replace(/^[^!]*!\//, '')))].filter((f) => textOf(fixture.files[f]) !== undefined);
    const aboutTree = mine.some((d) => textOf(fixture.files[d.file]) === undefined) || shown.length === 0;
    if (aboutTree) {
      const listing = files.sort().map((f) => `${f}${describeSpec(fixture.files[f]!)}`);
      parts.push(`Files:\n\n${fence('', listing.join('\n'))}`);
    }
    // A carriage return is shown as ␍, so the page itself keeps LF line endings.
    for (const f of shown.slice(0, 2)) parts.push(`\`${f}\`:\n\n${fence(langOf(f), textOf(fixture.files[f])!.replace(/\r/g, '␍'))}`);
    if (fixture.config) parts.push(`With \`composable-lint.json\`:\n\n${fence('json', JSON.stringify(fixture.config, null, 2))}`);
    parts.push(`\`composable lint ${(fixture.lint ?? ['demo']).join(' ')}\`:\n\n${fence('', formatStylish(filtered, { color: false }))}`);
    return parts.join('\n\n');
  } finally {
    run.dispose();
  }
}

export async function renderRulesDoc(): Promise<string> {
  const out: string[] = [];
  out.push('# composable lint: rules');
  out.push('');
  out.push(
    '<!-- Generated by `npx tsx lint/docs/rules-doc.ts` from the rules and their fixtures; do not edit. A test fails when this file is stale. -->',
  );
  out.push('');
  out.push(
    [
      '`composable lint PATH...` checks package directories, packed artifacts (tar, tar.gz, squashfs and `.raw`',
      'images, recognised by their content), OCI images, unit files (or a directory of them) and metadata files',
      'before they reach a container ([docs/cli.md](cli.md#what-it-reads) lists what it reads). Each finding names',
      'the file, line and column, the rule, and what to do.',
      '',
      '- Formats: `--format stylish` (default; the offending line under each finding; colors on a terminal',
      '  unless `NO_COLOR` is set, always with `FORCE_COLOR=1`/`2`/`3`, never with `FORCE_COLOR=0`; `--color` and',
      '  `--no-color` decide over both),',
      '  `json`, `sarif` (SARIF 2.1.0 for code scanning: each rule links to its section of this page, files are',
      '  relative to `%SRCROOT%`, the working directory) and `github` (workflow annotations).',
      '- `composable lint -` reads one unit file from standard input (editors, pipes), named `stdin.service` or',
      '  `--stdin-filename PATH`: its name, and where its configuration and sibling units are looked for.',
      '- `-v`/`--verbose` prints to standard error which configuration file each path was linted with and every file read.',
      '- Exit status: 0 clean (warnings and infos allowed), 1 errors or more warnings than `--max-warnings`,',
      '  2 usage or internal error.',
      '- Configuration: for each path, the nearest `composable-lint.json` in its directory or above, up to the',
      '  repository root (the first directory with `.git`), as ESLint and ruff look; paths under different',
      '  files are each linted with their own. `--config FILE` uses FILE for every path, `--no-config` none',
      '  ([docs/cli.md](cli.md#lint) has the details):',
      '',
      fence(
        'json',
        JSON.stringify(
          {
            rules: { 'policy/runs-as-root': 'error', 'coherence/elf-linkage': 'off' },
            policy: {
              allowedTargets: ['composable.target', 'composable-late.target'],
              minSystemdVersion: 247,
              allowedProfiles: ['default', 'strict', 'nonetwork'],
              baseUnits: ['postgresql.service'],
              basePrograms: ['curl'],
              maxExposure: 8,
              portable: true,
              unprivileged: true,
            },
          },
          null,
          2,
        ),
      ),
      '',
      '  Each rule can be set to `error`, `warning`, `info` or `off`. `policy.portable` checks every package',
      '  as a portable image (the `portable/*` rules), not only chroot-mode ones.',
      '- Suppressions in unit files, drop-ins and os-release (a line of its own, `#` or `;`):',
      '  `# composable-lint-disable=RULE[,RULE...]` for the whole file,',
      '  `# composable-lint-disable-next-line=RULE[,RULE...]` for the next assignment.',
      '  An id that is no rule is reported (`comment/unknown-rule`); `--report-unused-disable-directives` reports',
      '  comments that suppressed nothing (a warning; `--report-unused-disable-directives=error` for errors).',
      `- Unit directives are checked against the table \`systemd --dump-configuration-items\` printed for systemd ${DIRECTIVES_SYSTEMD_FULL}`,
      '  (`lint/data/directives.json`, regenerated by `node scripts/gen-directives.mjs`).',
    ].join('\n'),
  );
  out.push('');
  out.push('| rule | default | checks |');
  out.push('| --- | --- | --- |');
  for (const r of RULES) out.push(`| [\`${r.meta.id}\`](#${ruleAnchor(r.meta.id)}) | ${defaultOf(r)} | ${r.meta.description} |`);
  for (const group of RULE_GROUPS) {
    const rules = RULES.filter((r) => r.meta.id.startsWith(`${group}/`));
    if (rules.length === 0) continue;
    out.push('');
    out.push(`## ${GROUP_TITLES[group] ?? group}`);
    for (const rule of rules) {
      const f = await fixturesOf(rule);
      out.push('');
      out.push(`<a id="${ruleAnchor(rule.meta.id)}"></a>`);
      out.push(`### \`${rule.meta.id}\``);
      out.push('');
      out.push(`Default: ${defaultOf(rule, true)}. ${rule.meta.description}.${rule.meta.docs ? ` ${rule.meta.docs}` : ''}`);
      out.push('');
      out.push(`Example: ${f.invalid[0]!.name}.`);
      out.push('');
      out.push(await example(rule, f.invalid[0]!));
      out.push('');
      out.push(`Passes: ${f.valid.map((v) => v.name).join('; ')}.`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function readRulesDoc(): string {
  try {
    return readFileSync(RULES_DOC_PATH, 'utf8');
  } catch {
    return '';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderRulesDoc();
  const tmp = `${RULES_DOC_PATH}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, RULES_DOC_PATH);
  console.log(`wrote ${RULES_DOC_PATH} (${RULES.length} rules)`);
}
