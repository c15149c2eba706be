// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format): one run, every registered rule
// as a reportingDescriptor with its default level, each finding as a result with a region.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../../sdk/version.ts';
import type { LintResult } from '../engine.ts';
import { RULES } from '../rules/index.ts';
import type { Rule, Severity } from '../types.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A display path as a URI reference: relative paths stay relative (to the working directory). */
export function toUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%21/g, '!'))
    .join('/');
}

function ruleAnchor(id: string): string {
  return id.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

export interface SarifOptions {
  rules?: readonly Rule[];
}

export function buildSarif(result: LintResult, options: SarifOptions = {}): Record<string, unknown> {
  const rules = options.rules ?? RULES;
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
    help: { text: typeof r.meta.hint === 'string' ? r.meta.hint : Object.values(r.meta.hint).join(' ') },
    properties: { tags: [r.meta.id.split('/')[0]!], documentation: `docs/rules.md#${ruleAnchor(r.meta.id)}` },
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
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(d.file) }, region } }],
      ...(d.hint ? { properties: { hint: d.hint } } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'composable-lint', semanticVersion: VERSION, rules: descriptors } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(result: LintResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(result, options), null, 2)}\n`;
}
