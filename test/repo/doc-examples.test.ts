// Every TypeScript and JavaScript example in the documentation a user reads (README.md,
// docs/api.md, docs/testing.md) type-checks against the package, and docs/testing.md names only the
// options, handle members and results `composable-services/testing` has. The examples become
// in-memory modules of one program beside docs/ (nothing written), compiled with the repository's
// tsconfig: `composable-services*` resolve to the sources (`paths`), node's and vitest's types
// from node_modules. A ```ts block is an ES module (`.mts`: top-level await as in an ES module); a
// ```js block is an ES module when it imports or exports, else CommonJS (`.cjs`), checked as JavaScript.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const DOCS = ['README.md', 'docs/api.md', 'docs/testing.md'];

interface Example {
  /** `docs/testing.md:12`: the file and the line of the opening fence. */
  where: string;
  /** The in-memory module's path. */
  path: string;
  code: string;
}

/** The ```ts and ```js blocks of a Markdown file, each as a module beside docs/. */
function examplesOf(doc: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|js|javascript)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const code = `${body.join('\n')}\n`;
    const js = open[1]!.startsWith('j');
    const esm = !js || /^\s*(import|export)\s/m.test(code);
    const ext = js ? (esm ? 'mjs' : 'cjs') : 'mts';
    out.push({
      where: `${doc}:${start + 1}`,
      path: join(REPO, 'docs', `.example-${doc.replace(/[/.]/g, '-')}-${start + 1}.${ext}`),
      code,
    });
  }
  return out;
}

/** Type-check in-memory modules with the repository's options; the diagnostics of each, as text. */
function typeCheck(files: Example[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(REPO, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    // Each example stands alone, an import or not.
    moduleDetection: ts.ModuleDetectionKind.Force,
    // The examples' own mistakes, not the libraries': checked by `npm run typecheck` anyway.
    skipLibCheck: true,
  };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (p) => byPath.has(p) || fileExists.call(host, p);
  host.readFile = (p) => byPath.get(p)?.code ?? readFile.call(host, p);
  host.getSourceFile = (p, language, ...rest) => {
    const file = byPath.get(p);
    return file ? ts.createSourceFile(p, file.code, language, true) : getSourceFile.call(host, p, language, ...rest);
  };
  const program = ts.createProgram({ rootNames: files.map((f) => f.path), options, host });
  const out = new Map<string, string[]>();
  for (const f of files) {
    const sf = program.getSourceFile(f.path);
    if (!sf) throw new Error(`${f.where}: not in the program`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    out.set(
      f.path,
      diagnostics.map((d) => {
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
        return `line ${line} of the example: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return out;
}

/** What docs/testing.md says of the API: option names, the handle's members, the results. */
function documentedTestingApi(text: string): {
  startOptions: string[];
  timerOptions: string[];
  handle: string[];
  results: string[];
} {
  const group = (re: RegExp): string => {
    const m = re.exec(text);
    if (!m) throw new Error(`docs/testing.md: no match for ${re}`);
    return m[1]!;
  };
  const options = (list: string): string[] => list.split(',').map((o) => o.trim().replace(/\?$/, ''));
  const results = group(/`result` in systemd's words \(([^)]*)\)/);
  // Between "with a handle:" and runTimer: the members, each in backticks; what follows a member in
  // parentheses (its values, where it comes from) is not one.
  const handle = group(/with a handle:([\s\S]*?)`runTimer\(/).replace(/\s\([^()]*(\([^()]*\)[^()]*)*\)/g, '');
  return {
    startOptions: options(group(/`startService\(pkgDir, \{ ([^}]*) \}\)`/)),
    timerOptions: options(group(/`runTimer\(pkgDir, timer, \{ ([^}]*) \}\)`/)),
    handle: [...handle.matchAll(/`([A-Za-z]\w*)(\([^)]*\))?`/g)].map((m) => m[1]!),
    results: [...results.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!),
  };
}

describe('documentation examples', () => {
  const examples = DOCS.flatMap((doc) => examplesOf(doc, readFileSync(join(REPO, doc), 'utf8')));

  it('README.md, docs/api.md and docs/testing.md have examples, and every one type-checks', () => {
    expect(examples.map((e) => e.where.split(':')[0])).toEqual(expect.arrayContaining(DOCS));
    const results = typeCheck(examples);
    const failures = examples.flatMap((e) => results.get(e.path)!.map((d) => `${e.where}: ${d}`));
    expect(failures).toEqual([]);
  });

  it('the check is real: an example that misuses the API fails', () => {
    const [bad] = examplesOf(
      'bad.md',
      "```ts\nimport { startService } from 'composable-services/testing';\nawait startService('x', { runTimeout: 1 });\n```\n",
    );
    const [cjs] = examplesOf(
      'bad.md',
      "```js\nasync function main() {\n  const m = await import('composable-services');\n  m.notThere();\n}\n```\n",
    );
    const results = typeCheck([bad!, cjs!]);
    expect(results.get(bad!.path)!.join('\n')).toMatch(/runTimeout/);
    expect(cjs!.path).toMatch(/\.cjs$/);
    expect(results.get(cjs!.path)!.join('\n')).toMatch(/notThere/);
  });

  it("docs/testing.md names only StartOptions' options (all of them), ServiceHandle's members and ServiceResult's values (all)", () => {
    const documented = documentedTestingApi(readFileSync(join(REPO, 'docs/testing.md'), 'utf8'));
    expect(documented.handle.length).toBeGreaterThan(10);
    const list = (names: string[]): string => names.map((n) => JSON.stringify(n)).join(', ');
    // Both ways where the doc gives the whole set; the handle has members the doc leaves out.
    const check = [
      "import type { ServiceHandle, ServiceResult, StartOptions } from 'composable-services/testing';",
      // An error names what the paragraph leaves out: Type '"none"' is not assignable to type '"x"'.
      "type Undocumented<T, D> = [Exclude<T, D>] extends [never] ? 'none' : Exclude<T, D>;",
      `const startOptions = [${list(documented.startOptions)}] as const satisfies readonly (keyof StartOptions)[];`,
      "export const undocumentedStartOptions: Undocumented<keyof StartOptions, (typeof startOptions)[number]> = 'none';",
      `const timerOptions = [${list(documented.timerOptions)}] as const satisfies readonly (keyof Omit<StartOptions, 'unit'>)[];`,
      "export const undocumentedTimerOptions: Undocumented<keyof Omit<StartOptions, 'unit'>, (typeof timerOptions)[number]> = 'none';",
      `export const handle = [${list(documented.handle)}] as const satisfies readonly (keyof ServiceHandle)[];`,
      `const results = [${list(documented.results)}] as const satisfies readonly ServiceResult[];`,
      "export const undocumentedResults: Undocumented<ServiceResult, (typeof results)[number]> = 'none';",
      '',
    ].join('\n');
    const file = { where: 'docs/testing.md (its API paragraph)', path: join(REPO, 'docs/.testing-api-check.mts'), code: check };
    expect(typeCheck([file]).get(file.path), check).toEqual([]);
  });
});
