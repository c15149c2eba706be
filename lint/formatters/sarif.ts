// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format): one run, every registered rule
// as a reportingDescriptor with its default level and a helpUri to its section of docs/rules.md,
// each finding as a result with a region. Files are located relative to the lint root, named by
// the uriBaseId %SRCROOT% that run.originalUriBaseIds resolves: GitHub code scanning matches such
// a relative URI against the checked-out repository, which an absolute file URI never matches.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../../sdk/version.ts';
import { REPOSITORY_URL, ruleDocUrl } from '../docs/rule-links.ts';
import type { LintResult } from '../engine.ts';
import { RULES } from '../rules/index.ts';
import type { Rule, Severity } from '../types.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The uriBaseId of the lint root (the conventional name SARIF producers and GitHub use). */
export const SRCROOT = '%SRCROOT%';
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A display path as a URI reference: relative paths stay relative (to the working directory). */
export function toUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%21/g, '!'))
    .join('/');
}

/** A directory as a file URI ending in `/`, as SARIF requires of a uriBaseId's base. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/**
 * Where a finding's file is: relative to `srcRoot` under %SRCROOT% when the file is inside it
 * (display paths are relative to the working directory, the lint root), else an absolute file
 * URI with no base, since a `../` reference would point outside what a code-scanning checkout has.
 */
export function artifactLocationOf(file: string, srcRoot: string): SarifArtifactLocation {
  const path = resolve(srcRoot, file);
  const rel = relative(resolve(srcRoot), path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(path).href };
  return { uri: rel === '' ? '.' : toUri(rel.split(sep).join('/')), uriBaseId: SRCROOT };
}

export interface SarifOptions {
  rules?: readonly Rule[];
  /** The directory relative display paths are relative to, %SRCROOT%; default the working directory. */
  srcRoot?: string;
}

export function buildSarif(result: LintResult, options: SarifOptions = {}): Record<string, unknown> {
  const rules = options.rules ?? RULES;
  const srcRoot = options.srcRoot ?? process.cwd();
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const descriptors = rules.map((r) => ({
    id: r.meta.id,
    name: r.meta.id
      .split('/')[1]!
      .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
      .replace(/^[a-z]/, (c) => c.toUpperCase()),
    shortDescription: { text: r.meta.description },
    ...(r.meta.docs ? { fullDescription: { text: r.meta.docs } } : {}),
    defaultConfiguration: { level: LEVEL[r.meta.severity] },
    helpUri: ruleDocUrl(r.meta.id),
    help: { text: typeof r.meta.hint === 'string' ? r.meta.hint : Object.values(r.meta.hint).join(' ') },
    properties: { tags: [r.meta.id.split('/')[0]!] },
  }));
  const results = result.diagnostics.map((d) => {
    const wholeFile = d.line === 1 && d.column === 1 && d.endLine === 1 && d.endColumn === 1;
    const region = wholeFile
      ? { startLine: 1 }
      : {
          startLine: d.line,
          startColumn: d.column,
          endLine: d.endLine,
          endColumn: Math.max(d.endColumn, d.endLine === d.line ? d.column + 1 : 1),
        };
    const ruleIndex = index.get(d.ruleId);
    return {
      ruleId: d.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[d.severity],
      message: { text: d.hint ? `${d.message}. ${d.hint}` : d.message },
      locations: [{ physicalLocation: { artifactLocation: artifactLocationOf(d.file, srcRoot), region } }],
      ...(d.hint ? { properties: { hint: d.hint } } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'composable-lint',
            semanticVersion: VERSION,
            informationUri: REPOSITORY_URL,
            rules: descriptors,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(srcRoot) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(result: LintResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(result, options), null, 2)}\n`;
}
