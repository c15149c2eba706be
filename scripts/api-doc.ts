// Renders docs/api.md: every name each public entry point exports (package.json `exports`), its
// kind and the first sentence of its doc comment, read from the sources with the TypeScript
// compiler. `npx tsx scripts/api-doc.ts` rewrites the file; test/repo/api-doc.test.ts fails when
// the checked-in file differs from what this renders, or when the list disagrees with what the
// modules export at run time. test/consumer/ imports every listed name from the installed package.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_DOC_PATH = join(REPO, 'docs/api.md');

/** The public entry points: import specifier, its source, and what it is for. */
export const API_ENTRIES = [
  {
    specifier: 'composable-services',
    source: 'sdk/index.ts',
    about:
      'The SDK: unit-file, os-release and unit-name formats; the contract (paths, constants, zod ' +
      'schemas of metadata, status and os-release, their JSON Schema); loading and digesting packages.',
  },
  {
    specifier: 'composable-services/host',
    source: 'host/index.ts',
    about:
      "The host agent's side: metadata and credentials into a container, the generator's status back, " +
      "the generator's pure planner (to render ahead of time) and `composable apply`'s planning.",
  },
  {
    specifier: 'composable-services/lint',
    source: 'lint/index.ts',
    about:
      'The linter behind `composable lint`: run it, its rules, formatters (stylish, JSON, SARIF, GitHub annotations) and configuration.',
  },
  {
    specifier: 'composable-services/testing',
    source: 'sdk/testing/index.ts',
    about: 'Run a packaged service as systemd would, in any test runner ([testing.md](testing.md)).',
  },
] as const;

export type ApiKind = 'function' | 'class' | 'const' | 'enum' | 'interface' | 'type';
export interface ApiExport {
  name: string;
  kind: ApiKind;
  /** Has a run-time value (importable in plain JavaScript); otherwise a type only. */
  value: boolean;
  /**
   * A function's call signature(s), as `(params) => result`; an interface's or type alias's shape
   * (`{ name: type; ... }`, `= type`); a constant's type (`: type`) where it is declared or short.
   */
  signature: string;
  summary: string;
}

/** Whole, however long (the table is the API's reference), with the names of exported types kept. */
const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function signatureOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  if (!(symbol.flags & ts.SymbolFlags.Function) && !(symbol.flags & ts.SymbolFlags.Variable)) return '';
  const signatures = checker.getTypeOfSymbol(symbol).getCallSignatures();
  return signatures.map((sig) => signatureText(checker, sig)).join('; ');
}

/**
 * `(params) => result`. A result type written in the source is shown as written: the checker
 * would expand a zod-inferred type (`Metadata`) into its whole object type.
 */
function signatureText(checker: ts.TypeChecker, sig: ts.Signature): string {
  const decl = sig.getDeclaration() as ts.SignatureDeclaration | undefined;
  const written = decl && (ts.isFunctionDeclaration(decl) || ts.isArrowFunction(decl)) ? decl.type : undefined;
  if (!decl || !written || sig.typeParameters)
    return checker.signatureToString(sig, undefined, FORMAT | ts.TypeFormatFlags.WriteArrowStyleSignature);
  const params = sig.getParameters().map((p, i) => {
    const node = decl.parameters[i];
    const optional = node && (node.questionToken || node.initializer) ? '?' : '';
    const rest = node?.dotDotDotToken ? '...' : '';
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl), undefined, FORMAT);
    return `${rest}${p.name}${optional}: ${optional ? type.replace(/ \| undefined$/, '') : type}`;
  });
  return `(${params.join(', ')}) => ${written.getText().replace(/\s+/g, ' ')}`;
}

/** An interface's (or a class instance's public) members as an object type: what a result or an options object holds. */
function interfaceShape(checker: ts.TypeChecker, symbol: ts.Symbol, decl: ts.Declaration): string {
  const hidden = (prop: ts.Symbol): boolean =>
    prop.name.startsWith('#') ||
    // What Error and the other built-ins declare is not this API's.
    (prop.declarations ?? []).every((d) => /\/typescript\/lib\/lib\.[^/]*\.d\.ts$/.test(d.getSourceFile().fileName)) ||
    (prop.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
  const properties = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).filter((p) => !hidden(p));
  const members = properties.map((prop) => {
    const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(prop, decl), undefined, FORMAT);
    const readonly = prop.declarations?.some((d) => ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly) ? 'readonly ' : '';
    return `${readonly}${prop.name}${optional}: ${type}`;
  });
  return members.length > 0 ? `{ ${members.join('; ')} }` : '{}';
}

/** Longest inferred type a constant's row shows (a zod schema's type runs to pages). */
const CONST_TYPE_MAX = 160;

function shapeOf(checker: ts.TypeChecker, symbol: ts.Symbol, kind: ApiKind, decl: ts.Declaration | undefined): string {
  if (!decl) return '';
  if (kind === 'interface' || kind === 'class') return interfaceShape(checker, symbol, decl);
  if (kind === 'type' && ts.isTypeAliasDeclaration(decl)) {
    const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
    return `${params}${params ? ' ' : ''}= ${checker.typeToString(checker.getTypeFromTypeNode(decl.type), undefined, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`;
  }
  if (kind === 'const' && ts.isVariableDeclaration(decl)) {
    if (decl.type) return `: ${decl.type.getText()}`;
    // A literal's type widened (VERSION is a string, not this release's number).
    const type = checker.typeToString(checker.getBaseTypeOfLiteralType(checker.getTypeOfSymbol(symbol)), undefined, FORMAT);
    return type.length <= CONST_TYPE_MAX ? `: ${type}` : '';
  }
  return '';
}

function kindOf(decl: ts.Declaration | undefined): ApiKind {
  if (!decl) return 'const';
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isEnumDeclaration(decl)) return 'enum';
  if (ts.isInterfaceDeclaration(decl)) return 'interface';
  if (ts.isTypeAliasDeclaration(decl)) return 'type';
  if (
    ts.isVariableDeclaration(decl) &&
    decl.initializer &&
    (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))
  )
    return 'function';
  return 'const';
}

/** The first sentence of a doc comment, on one line, safe inside a table cell. */
function firstSentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const end = line.search(/\.(\s|$)/);
  return (end >= 0 ? line.slice(0, end + 1) : line).replace(/\|/g, '\\|');
}

/** A `//` comment right above the declaration, for code that comments without JSDoc. */
function lineComment(decl: ts.Declaration | undefined): string {
  if (!decl) return '';
  const statement = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  const text = statement.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  const lines = ranges.filter((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia).map((r) => text.slice(r.pos + 2, r.end).trim());
  return lines.join(' ');
}

/** Every export of each entry, sorted by name, as the type checker sees it. */
export function readApi(): Map<string, ApiExport[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(REPO, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram(
    API_ENTRIES.map((e) => join(REPO, e.source)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const api = new Map<string, ApiExport[]>();
  for (const entry of API_ENTRIES) {
    const file = program.getSourceFile(join(REPO, entry.source));
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry.source}`);
    const exports = checker.getExportsOfModule(moduleSymbol).map((exported): ApiExport => {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = target.getDeclarations() ?? [];
      // A name can be both a value and a type (a zod schema's inferred type, a class): the
      // value's declaration says what it is.
      const valueDecl = target.valueDeclaration ?? decls.find((d) => !ts.isInterfaceDeclaration(d) && !ts.isTypeAliasDeclaration(d));
      const value = (target.flags & ts.SymbolFlags.Value) !== 0;
      const kind = kindOf(value ? valueDecl : decls[0]);
      return {
        name: exported.name,
        kind,
        value,
        signature: kind === 'function' ? signatureOf(checker, target) : shapeOf(checker, target, kind, value ? valueDecl : decls[0]),
        summary: firstSentence(ts.displayPartsToString(target.getDocumentationComment(checker)) || lineComment(valueDecl ?? decls[0])),
      };
    });
    exports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    api.set(entry.specifier, exports);
  }
  return api;
}

/** The example under the preamble: the calls a sidecar team makes first. */
const API_EXAMPLE = [
  "import { getValue, parseUnitFile } from 'composable-services';",
  "import { validateMetadata } from 'composable-services/host';",
  "import { formatStylish, lintUnitText } from 'composable-services/lint';",
  "import { startService } from 'composable-services/testing';",
  '',
  "const unit = parseUnitFile('[Service]\\nExecStart=/usr/bin/my-daemon --port 8080\\n');",
  "console.log(getValue(unit, 'Service', 'ExecStart')); // /usr/bin/my-daemon --port 8080",
  '',
  '// { ok: true, metadata } or { ok: false, problems: ["services[0].name: ..."] }',
  'const checked = validateMetadata(JSON.parse(\'{"schemaVersion": 1, "services": []}\'));',
  "if (!checked.ok) throw new Error(checked.problems.join('\\n'));",
  '',
  "const result = lintUnitText('my-daemon.service', '[Service]\\nExecStart=my-daemon\\n');",
  'console.log(result.errorCount, result.warningCount);',
  'console.log(formatStylish(result, { color: false }));',
  '',
  "const svc = await startService('path/to/package', { env: { LOG_LEVEL: 'debug' } });",
  'await svc.stop();',
  'console.log(svc.result, svc.exitCode); // success 0',
  'svc.cleanup();',
];

export function renderApiDoc(api = readApi()): string {
  const out = [
    '# Public API',
    '',
    '<!-- Generated by `npx tsx scripts/api-doc.ts` from the sources; test/repo/api-doc.test.ts keeps it true. -->',
    '',
    '`npm i -D composable-services` gives four entry points, compiled ES modules with TypeScript',
    'declarations (node ≥ 20.11). No CommonJS build: `import` them from an ES module (`"type": "module"`',
    'in your package.json, or `.mjs`/`.mts`), and from CommonJS `await import()` them inside an async',
    'function, or `require()` them on node ≥ 20.19 or 22.12 ([README](../README.md)). The declarations',
    'need no `@types/node` and resolve under `moduleResolution` `nodenext` (what `tsc --init` writes),',
    '`bundler` and `node10`. What each exports is listed below; **anything not listed is internal** and may change',
    'in any release. Before 1.0 a minor version may change this API; [CHANGELOG.md](../CHANGELOG.md)',
    'says when. *value* names exist at run time; *type* names are for TypeScript only',
    '(`import type`).',
    '',
    'Also in the package: the commands `composable`, `composable-generator` and `composable-oci-hook`',
    '(`npx composable --help`), and the JSON Schemas of the contract as files,',
    '`composable-services/schemas/metadata.schema.json`, `status.schema.json` and `os-release.schema.json`',
    '(the same as `composable schema NAME` prints). The npm package is `composable-services` (the name',
    '`composable` belongs to another package); the tool and its commands are still `composable`.',
    '',
    'One thing from each entry (an ES module; test/repo/doc-examples.test.ts type-checks every example',
    'in these docs):',
    '',
    '```ts',
    ...API_EXAMPLE,
    '```',
  ];
  for (const entry of API_ENTRIES) {
    const exports = api.get(entry.specifier) ?? [];
    out.push('', `## \`${entry.specifier}\``, '', entry.about, '', '| name | kind | what it is |', '| --- | --- | --- |');
    for (const e of exports) {
      const what = [e.signature && `\`${e.signature.replace(/\|/g, '\\|')}\``, e.summary].filter(Boolean).join(' ');
      out.push(`| \`${e.name}\` | ${e.value ? 'value' : 'type'}: ${e.kind} | ${what} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The names docs/api.md lists for each entry, split into values and types (for the consumer test). */
export function parseApiDoc(text: string): Map<string, { values: string[]; types: string[] }> {
  const result = new Map<string, { values: string[]; types: string[] }>();
  let current: { values: string[]; types: string[] } | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## `([^`]+)`/.exec(line);
    if (heading) {
      current = { values: [], types: [] };
      result.set(heading[1]!, current);
      continue;
    }
    const row = /^\| `([A-Za-z_$][\w$]*)` \| (value|type):/.exec(line);
    if (row && current) (row[2] === 'value' ? current.values : current.types).push(row[1]!);
  }
  return result;
}

export function readApiDoc(): string {
  try {
    return readFileSync(API_DOC_PATH, 'utf8');
  } catch {
    return '';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderApiDoc();
  const tmp = `${API_DOC_PATH}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, API_DOC_PATH);
  console.log(`wrote ${API_DOC_PATH}`);
}
