// composable as a sidecar team gets it: `npm pack` of a clean copy of this checkout (prepack
// builds it; no dist/ to begin with), installed into an empty project from the tarball, offline,
// its dependencies and the project's tools (typescript, vitest, @types/node, at the versions this
// repository locks) from the npm cache that `npm ci` filled (see lockfile.ts for why a lock).
// Then: the tarball holds only what a user needs, within the size budget; plain node imports every
// export docs/api.md lists, from ES modules and (with import()) from CommonJS; tsc (strict, NodeNext,
// no skipLibCheck) accepts a file using all three entry points; so does tsc with the tsconfig
// `tsc --init` writes in a second project that has no @types/node, for an ES module, a CommonJS file
// (import()) and the older `module: commonjs` (node10 resolution) config; `npx composable init` makes a package whose own test vitest runs, and `npx
// composable lint` and `npx composable test` accept it; the bins and JSON Schemas work from
// node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiDoc } from '../../scripts/api-doc.ts';
import { TEMPLATES } from '../../sdk/scaffold.ts';
import { hasCommand, missingRequirements } from '../helpers/requirements.ts';
import { consumerLock, type Lockfile } from './lockfile.ts';

const REPO = join(import.meta.dirname, '../..');
const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  engines: Record<string, string>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

/**
 * The most the published package may weigh: the gzipped tarball, and unpacked in node_modules.
 * Raised from 768 KiB to 960 KiB when the directive classes (generator), kube --render (yaml) and
 * the issue-25 lint rules landed: 841 KiB measured, of which the generator (its bundle and V8 code cache, which
 * gzip cannot shrink) is about 240 KiB.
 */
const BUDGET = { packedBytes: 960 * 1024, unpackedBytes: 3 * 1024 * 1024 };
/** What a user needs; anything else in the tarball is a mistake. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/[^/]+\.(js|mjs|cjs|d\.ts)$/,
  /^dist\/chunks\/[^/]+\.js$/,
  /^dist\/cli\/[^/]+\.mjs$/,
  /^dist\/types\/.+\.d\.ts$/,
  /^dist\/schemas\/[^/]+\.schema\.json$/,
  // The node-free generator `composable render` installs into images without node.
  /^dist\/composable-generator\.sh$/,
  /^templates\/[^/]+\/.+$/,
  /^docs\/[^/]+\.md$/,
];
const DEV_TOOLS = ['typescript', 'vitest', '@types/node'];
/** The TypeScript project: only the compiler, so nothing brings node's types but the package. */
const TS_DEV_TOOLS = ['typescript'];
const ENTRIES = ['composable-services', 'composable-services/host', 'composable-services/lint', 'composable-services/testing'];

const missing = missingRequirements(
  [
    {
      name: 'a git checkout (git ls-files says what a clean copy holds)',
      present: () => hasCommand('git') && existsSync(join(REPO, '.git')),
    },
  ],
  'the consumer test',
);

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  integrity: string;
  files: Array<{ path: string; size: number }>;
}

let work = '';
let project = '';
let tsProject = '';
let pack: PackResult;

// The tools run here must not think they are inside this repository's vitest run or npm script
// (`npm test` exports npm_package_*, npm_lifecycle_* and npm_config_local_prefix=<this repo>).
// npm settings (npm_config_cache ...) pass through: the install reads the same cache.
const inherited = (k: string): boolean =>
  !k.startsWith('VITEST') &&
  k !== 'NODE_OPTIONS' &&
  (!k.startsWith('npm_') || (k.startsWith('npm_config_') && k !== 'npm_config_local_prefix' && k !== 'npm_config_call'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => inherited(k)));
interface Ran {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  all: string;
}
async function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Ran> {
  const r = await execa(cmd, args, {
    cwd: opts.cwd ?? project,
    env: { ...(opts.env ?? cleanEnv), NO_COLOR: '1' },
    extendEnv: false,
    reject: false,
    timeout: 300_000,
    stdin: 'ignore',
    all: true,
  });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, all: r.all };
}

/** An empty project with composable-services and `devTools` installed offline from the packed tarball. */
async function install(dir: string, devTools: string[], extra: Record<string, unknown>): Promise<void> {
  mkdirSync(dir);
  const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as Lockfile;
  const { dependencies, devDependencies, lock } = consumerLock({
    repoLock,
    composable: {
      name: repoPackage.name,
      version: repoPackage.version,
      tarball: `../${pack.filename}`,
      integrity: pack.integrity,
      license: repoPackage.license,
      dependencies: repoPackage.dependencies,
      bin: repoPackage.bin,
      engines: repoPackage.engines,
    },
    devDependencies: devTools,
  });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, ...extra, dependencies, devDependencies }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  const installed = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  expect(
    installed.exitCode,
    `npm ci --offline in ${dir} failed; if a package is not cached, run \`npm ci\` ` +
      `in the repository first (it fills the npm cache):\n${installed.all}`,
  ).toBe(0);
}

describe.skipIf(missing.length > 0)('composable installed from its npm tarball', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'composable-consumer-'));
    // A clean copy: what git has (tracked, or new and not ignored), without dist/ or node_modules.
    const source = join(work, 'source');
    mkdirSync(source);
    const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
      .split('\0')
      .filter((f) => f && f !== 'node_modules' && existsSync(join(REPO, f)));
    execFileSync('tar', ['-C', REPO, '--null', '-T', '-', '-cf', join(work, 'source.tar')], { input: list.join('\0') });
    execFileSync('tar', ['-C', source, '-xf', join(work, 'source.tar')]);
    // The build tools come from this checkout's install, as a clean clone has them after npm ci.
    symlinkSync(join(REPO, 'node_modules'), join(source, 'node_modules'));

    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source });
    expect(packed.exitCode, `npm pack failed:\n${packed.stderr}`).toBe(0);
    // prepack's build may print before the JSON on stdout.
    pack = (JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as PackResult[])[0]!;

    project = join(work, 'project');
    tsProject = join(work, 'typescript');
    // `npm init -y` writes no "type": a package that is ES modules has to say so (the README).
    await Promise.all([install(project, DEV_TOOLS, { type: 'module' }), install(tsProject, TS_DEV_TOOLS, { type: 'module' })]);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds only what a user needs, within the size budget', () => {
    const paths = pack.files.map((f) => f.path).sort();
    expect(paths.filter((p) => !ALLOWED.some((re) => re.test(p)))).toEqual([]);
    const targets = [
      ...Object.values(repoPackage.bin),
      ...Object.values(repoPackage.exports)
        .flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
        .filter((t) => !t.includes('*')),
      ...['metadata', 'status', 'os-release'].map((n) => `dist/schemas/${n}.schema.json`),
      ...TEMPLATES.map((t) => `templates/${t}/usr/lib/os-release`),
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'docs/api.md',
      'docs/testing.md',
    ].map((p) => p.replace(/^\.\//, ''));
    for (const t of targets) expect(paths, t).toContain(t);
    expect(readFileSync(join(project, 'node_modules/composable-services/LICENSE'), 'utf8')).toContain('Apache License');
    // Declarations name JavaScript files, as a consumer's NodeNext resolution needs.
    const relativeTs = pack.files
      .filter((f) => f.path.endsWith('.d.ts'))
      .filter((f) =>
        /(from\s+|import\(\s*)['"]\.{1,2}\/[^'"]*\.ts['"]/.test(
          readFileSync(join(project, 'node_modules/composable-services', f.path), 'utf8'),
        ),
      );
    expect(relativeTs.map((f) => f.path)).toEqual([]);
    expect(pack.size, `tarball ${pack.size} bytes`).toBeLessThanOrEqual(BUDGET.packedBytes);
    expect(pack.unpackedSize, `unpacked ${pack.unpackedSize} bytes`).toBeLessThanOrEqual(BUDGET.unpackedBytes);
  });

  it('plain node imports every export docs/api.md lists, and nothing else is exported', async () => {
    const doc = parseApiDoc(readFileSync(join(REPO, 'docs/api.md'), 'utf8'));
    const script =
      `const out = {};\nfor (const s of ${JSON.stringify(ENTRIES)}) { const m = await import(s); ` +
      `out[s] = Object.keys(m).filter((k) => m[k] !== undefined).sort(); }\nconsole.log(JSON.stringify(out));\n`;
    const r = await run('node', ['--input-type=module', '-e', script]);
    expect(r.exitCode, r.all).toBe(0);
    const exported = JSON.parse(r.stdout) as Record<string, string[]>;
    for (const entry of ENTRIES) expect(exported[entry], entry).toEqual(doc.get(entry)!.values.slice().sort());
  });

  // docs/api.md promises require() where node can load ES modules with it (20.19+, 22.12+).
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  it.skipIf(!((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23))(
    'CommonJS code can require() every entry',
    async () => {
      const r = await run('node', [
        '-e',
        `for (const s of ${JSON.stringify(ENTRIES)}) if (Object.keys(require(s)).length === 0) throw new Error(s + ' exports nothing')`,
      ]);
      expect(r.exitCode, r.all).toBe(0);
    },
  );

  // What every example in the README and docs does, in plain JavaScript: the three entries by name.
  const USE_JS = [
    "const unit = parseUnitFile('[Service]\\nExecStart=/bin/true\\n');",
    "const result = lintUnitText('demo.service', '[Service]\\nExecStart=/bin/true\\n');",
    'console.log(JSON.stringify({ version: VERSION, sections: unit.sections.length, lint: typeof result.errorCount, start: typeof startService }));',
  ];
  const USED = { version: repoPackage.version, sections: 1, lint: 'number', start: 'function' };

  it('plain ES module JavaScript imports every entry by name and runs', async () => {
    mkdirSync(join(project, 'esm'), { recursive: true });
    writeFileSync(
      join(project, 'esm/main.js'),
      [
        "import { parseUnitFile, VERSION } from 'composable-services';",
        "import { lintUnitText } from 'composable-services/lint';",
        "import { startService } from 'composable-services/testing';",
        ...USE_JS,
        '',
      ].join('\n'),
    );
    const r = await run('node', ['esm/main.js']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(USED);
  });

  it('plain CommonJS JavaScript (package.json without "type") loads every entry with import() in an async function', async () => {
    mkdirSync(join(project, 'cjs'), { recursive: true });
    // The nearest package.json decides: this directory's has no "type", so main.js is CommonJS.
    writeFileSync(join(project, 'cjs/package.json'), `${JSON.stringify({ name: 'cjs-consumer', private: true }, null, 2)}\n`);
    writeFileSync(
      join(project, 'cjs/main.js'),
      [
        "'use strict';",
        'async function main() {',
        "  const { parseUnitFile, VERSION } = await import('composable-services');",
        "  const { lintUnitText } = await import('composable-services/lint');",
        "  const { startService } = await import('composable-services/testing');",
        ...USE_JS.map((l) => `  ${l}`),
        '}',
        'main().catch((e) => {',
        '  console.error(e);',
        '  process.exitCode = 1;',
        '});',
        '',
      ].join('\n'),
    );
    const r = await run('node', ['cjs/main.js']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(USED);
  });

  it(
    'a TypeScript project with the tsconfig `tsc --init` writes, and no @types/node, compiles and runs code using ' +
      'composable-services, /lint and /testing: an ES module, a CommonJS file (import()), and under node10 and bundler resolution',
    async () => {
      const init = await run('npx', ['tsc', '--init'], { cwd: tsProject });
      expect(init.exitCode, init.all).toBe(0);
      // TypeScript 5.9's: module nodenext, "types": [] (node's types only where asked for), strict,
      // verbatimModuleSyntax, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck.
      expect(readFileSync(join(tsProject, 'tsconfig.json'), 'utf8')).toMatch(/"types": \[\]/);
      expect(existsSync(join(tsProject, 'node_modules/@types/node'))).toBe(false);
      const use = [
        "const unit = parseUnitFile('[Service]\\nExecStart=/bin/true\\n');",
        'const parsed = MetadataSchema.safeParse({ schemaVersion: 1, services: [] });',
        'const metadata: Metadata | undefined = parsed.success ? parsed.data : undefined;',
        "const result: LintResult = lintUnitText('demo.service', '[Service]\\nExecStart=/bin/true\\n');",
        'async function outcome(dir: string): Promise<[ServiceResult | undefined, Signal | null | undefined]> {',
        '  const svc: ServiceHandle = await startService(dir, { env: { A: "1" }, timeoutMs: 5000 });',
        '  svc.cleanup();',
        '  return [svc.result, svc.exitSignal];',
        '}',
        '// Real types, not `any` (what a declaration that cannot be resolved becomes under skipLibCheck).',
        '// @ts-expect-error VERSION is a string',
        'const wrong: number = VERSION;',
        '// @ts-expect-error an exit signal is a name',
        'const signal: number = (await Promise.resolve<Signal | null>(null)) ?? 0;',
        'console.log(JSON.stringify({ version: VERSION, sections: unit.sections.length, lint: typeof result.errorCount, start: typeof outcome, metadata: metadata !== undefined, wrong: typeof wrong, signal }));',
      ];
      mkdirSync(join(tsProject, 'esm'));
      writeFileSync(
        join(tsProject, 'esm/main.ts'),
        [
          "import { MetadataSchema, parseUnitFile, VERSION, type Metadata } from 'composable-services';",
          "import { lintUnitText, type LintResult } from 'composable-services/lint';",
          "import { startService, type ServiceHandle, type ServiceResult, type Signal } from 'composable-services/testing';",
          '',
          ...use,
          '',
        ].join('\n'),
      );
      mkdirSync(join(tsProject, 'cjs'));
      writeFileSync(join(tsProject, 'cjs/package.json'), `${JSON.stringify({ name: 'cjs-consumer', private: true }, null, 2)}\n`);
      writeFileSync(
        join(tsProject, 'cjs/main.ts'),
        [
          '// CommonJS (no "type" in package.json): the package is ES modules, so import() it.',
          "import type { Metadata } from 'composable-services';",
          "import type { LintResult } from 'composable-services/lint';",
          "import type { ServiceHandle, ServiceResult, Signal } from 'composable-services/testing';",
          '',
          'async function main(): Promise<void> {',
          "  const { MetadataSchema, parseUnitFile, VERSION } = await import('composable-services');",
          "  const { lintUnitText } = await import('composable-services/lint');",
          "  const { startService } = await import('composable-services/testing');",
          ...use.map((l) => `  ${l}`),
          '}',
          'void main();',
          '',
        ].join('\n'),
      );
      // tsc as the project has it, emitting next to the sources; then with the declarations checked
      // too (skipLibCheck off): they resolve nothing from node's types.
      const compiled = await run('npx', ['tsc'], { cwd: tsProject });
      expect(compiled.all, compiled.all).toBe('');
      expect(compiled.exitCode).toBe(0);
      const libs = await run('npx', ['tsc', '--noEmit', '--skipLibCheck', 'false'], { cwd: tsProject });
      expect(libs.all, libs.all).toBe('');
      const expected = { ...USED, metadata: true, wrong: 'string', signal: 0 };
      for (const main of ['esm/main.js', 'cjs/main.js']) {
        const r = await run('node', [main], { cwd: tsProject });
        expect(r.exitCode, `${main}: ${r.all}`).toBe(0);
        expect(JSON.parse(r.stdout), main).toEqual(expected);
      }
      // What `tsc --init` wrote before TypeScript 5.9 (module commonjs, so node10 resolution, which
      // reads no `exports`: typesVersions maps the subpaths).
      writeFileSync(
        join(tsProject, 'tsconfig.node10.json'),
        `${JSON.stringify({ compilerOptions: { target: 'es2016', module: 'commonjs', esModuleInterop: true, forceConsistentCasingInFileNames: true, strict: true, skipLibCheck: true, noEmit: true }, files: ['cjs/main.ts'] }, null, 2)}\n`,
      );
      const node10 = await run('npx', ['tsc', '-p', 'tsconfig.node10.json'], { cwd: tsProject });
      expect(node10.all, node10.all).toBe('');
      expect(node10.exitCode).toBe(0);
      // A bundler's resolution (Vite, esbuild) reads the same `exports` "types".
      writeFileSync(
        join(tsProject, 'tsconfig.bundler.json'),
        `${JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, types: [], skipLibCheck: false, noEmit: true }, files: ['esm/main.ts'] }, null, 2)}\n`,
      );
      const bundler = await run('npx', ['tsc', '-p', 'tsconfig.bundler.json'], { cwd: tsProject });
      expect(bundler.all, bundler.all).toBe('');
      expect(bundler.exitCode).toBe(0);
    },
  );

  it(
    'tsc --noEmit (strict, NodeNext, no skipLibCheck) accepts code using the SDK, composable-services/lint, ' +
      'composable-services/testing and every listed type',
    async () => {
      const doc = parseApiDoc(readFileSync(join(REPO, 'docs/api.md'), 'utf8'));
      mkdirSync(join(project, 'src'), { recursive: true });
      const everything = ENTRIES.map((entry, i) => {
        const { values, types } = doc.get(entry)!;
        // A name the entry does not export is an error even unused.
        return `import { ${values.join(', ')} } from '${entry}';\nimport type { ${types.join(', ')} } from '${entry}';\nexport const values${i} = [${values.join(', ')}];\n`;
      });
      writeFileSync(join(project, 'src/everything.ts'), everything.join('\n'));
      writeFileSync(
        join(project, 'src/use.ts'),
        [
          "import { parseUnitFile, MetadataSchema, VERSION, type Metadata } from 'composable-services';",
          "import { lint, formatStylish, type LintResult } from 'composable-services/lint';",
          "import { startService, type ServiceResult } from 'composable-services/testing';",
          '',
          "const unit = parseUnitFile('[Service]\\nExecStart=/bin/true\\n');",
          'const sections: number = unit.sections.length;',
          'const parsed = MetadataSchema.safeParse({});',
          'const metadata: Metadata | undefined = parsed.success ? parsed.data : undefined;',
          "const result: LintResult = await lint(['my-daemon']);",
          'process.stdout.write(formatStylish(result, { color: false }));',
          "const svc = await startService('my-daemon');",
          'const outcome: ServiceResult | undefined = svc.result;',
          'svc.cleanup();',
          '// Real types, not `any`: a misuse is an error.',
          '// @ts-expect-error VERSION is a string',
          'const wrong: number = VERSION;',
          'export { sections, metadata, outcome, wrong };',
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(project, 'tsconfig.json'),
        `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, include: ['src'] }, null, 2)}\n`,
      );
      const r = await run('npx', ['tsc', '-p', 'tsconfig.json']);
      expect(r.all, r.all).toBe('');
      expect(r.exitCode).toBe(0);
    },
  );

  it('npx composable --version prints the package version; composable-generator runs from node_modules/.bin', async () => {
    const version = await run('npx', ['composable', '--version']);
    expect(version.stdout.trim()).toBe(repoPackage.version);
    // The CLI is an entry and a directory of command chunks: through npm's bin link, every command
    // the help lists loads from the installed package.
    const bin = join(project, 'node_modules/.bin/composable');
    const help = await run(bin, ['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toContain('lint');
    for (const name of commands) {
      const r = await run(bin, [name, '--help']);
      expect(r.exitCode, `${name}: ${r.all}`).toBe(0);
    }
    const root = join(work, 'root');
    const out = join(work, 'generated');
    mkdirSync(root);
    mkdirSync(out);
    const gen = await run(join(project, 'node_modules/.bin/composable-generator'), [out], { env: { ...cleanEnv, COMPOSABLE_ROOT: root } });
    expect(gen.exitCode, gen.all).toBe(0);
    expect(existsSync(join(out, 'composable.target'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'))).toMatchObject({
      services: [],
      generator: { name: 'composable-generator', version: repoPackage.version },
    });
  });

  it('the JSON Schemas are files in the package, the same as `composable schema` prints', async () => {
    for (const name of ['metadata', 'status', 'os-release']) {
      const resolved = await run('node', [
        '--input-type=module',
        '-e',
        `console.log(import.meta.resolve('composable-services/schemas/${name}.schema.json'))`,
      ]);
      const file = new URL(resolved.stdout.trim()).pathname;
      expect(relative(project, file)).toBe(`node_modules/composable-services/dist/schemas/${name}.schema.json`);
      const printed = await run('npx', ['composable', 'schema', name]);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(printed.stdout));
    }
  });

  it('npx composable init makes a package that lints clean, passes composable test, and whose own test vitest runs', async () => {
    const init = await run('npx', ['composable', 'init', 'my-daemon', '--name', 'my-daemon', '--template', 'daemon']);
    expect(init.exitCode, init.all).toBe(0);
    const lint = await run('npx', ['composable', 'lint', 'my-daemon']);
    expect(lint.all).toBe('');
    expect(lint.exitCode).toBe(0);
    const test = await run('npx', ['composable', 'test', 'my-daemon', '--for', '0.5']);
    expect(test.exitCode, test.all).toBe(0);
    expect(test.stdout).toContain('result success');
    // The generated test imports composable-services/testing by name: the project's install resolves it.
    const own = await run('npx', ['vitest', 'run']);
    expect(own.exitCode, own.all).toBe(0);
    expect(own.stdout).toMatch(/Tests\s+.*1 passed/);
    expect(own.stdout).toContain('my-daemon.test.ts');
  });
});
