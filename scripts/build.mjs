// Bundles the CLI (an entry and its command chunks) and the generator (one self-contained file)
// under dist/.
// The generator is kept small (no commander, no execa) and bundled as CommonJS: systemd runs it
// on every boot and daemon-reload, its start-up time is part of the container's boot, and node
// starts a CommonJS script faster than an ES module. Installed without an extension (as
// /usr/lib/systemd/system-generators/composable-generator) it is read as CommonJS too.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

mkdirSync('dist', { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

// The CLI: a small entry, dist/composable.mjs, and one chunk per command (plus the code commands
// share) in dist/cli/, loaded only when that command runs. Node compiles every module it loads, so
// `composable --version` or `composable lint` pay only for the code they use, not for the whole
// CLI (a single 1.4 MB bundle cost `--version` 1.4x `node -e 0`). Whatever installs the CLI
// installs dist/cli/ beside the entry (npm's `files`, test/harness/nspawn.ts and podman.ts).
const CLI_REQUIRE_BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
rmSync('dist/cli', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { composable: 'cli/main.ts' },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'cli/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  splitting: true,
  // Whitespace and syntax minified, names kept (stack traces and error names stay readable): the
  // chunks are only run, never read or imported by users, and node parses less on every command.
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS dependencies call require(); give every chunk one (only commands that bundle
  // CommonJS code use it).
  banner: { js: CLI_REQUIRE_BANNER },
  // The entry answers --version with no import at all (cli/main.ts).
  define: { __COMPOSABLE_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});
// The entry needs no require(): drop the banner there, add the shebang.
const cliEntry = readFileSync('dist/composable.mjs', 'utf8');
if (!cliEntry.startsWith(CLI_REQUIRE_BANNER) || /\brequire\b/.test(cliEntry.slice(CLI_REQUIRE_BANNER.length)))
  throw new Error('dist/composable.mjs: the CLI entry is expected to start with the require banner and not use require()');
writeFileSync('dist/composable.mjs', `#!/usr/bin/env node\n${cliEntry.slice(CLI_REQUIRE_BANNER.length).trimStart()}`);
await build({
  ...common,
  entryPoints: ['generator/main.ts'],
  outfile: 'dist/composable-generator.cjs',
  format: 'cjs',
  minify: true,
  // A generator runs for a fraction of a second: time V8 spends compiling optimised code never
  // pays back. Turning the optimising compiler off measured 25 % faster at 500 packages
  // (bench/generator.ts). Set at run time because a shebang cannot portably pass node flags.
  banner: { js: "#!/usr/bin/env node\nrequire('node:v8').setFlagsFromString('--no-opt');" },
});
// The OCI hook runs on every container start that asks for composable: small and CommonJS, like
// the generator.
// It carries the node-free generator it installs for a render (host/oci-hook/sh-generator.ts).
const shGenerator = readFileSync('generator/sh/composable-generator.sh', 'utf8').replace(
  'VERSION=unknown',
  `VERSION=${JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version)}`,
);
await build({
  ...common,
  entryPoints: ['host/oci-hook/bin.ts'],
  outfile: 'dist/composable-oci-hook.cjs',
  format: 'cjs',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
  // import.meta.url only names the script's source file, which the bundle does not read.
  define: { __COMPOSABLE_SH_GENERATOR__: JSON.stringify(shGenerator), 'import.meta.url': '"file:///"' },
});
// The generator file becomes a launcher holding the bundle and V8's code cache for this node.
(await import('./build-generator-cache.mjs')).buildGeneratorCodeCache('dist/composable-generator.cjs');
chmodSync('dist/composable-oci-hook.cjs', 0o755);
// The node-free generator for rendered trees (generator/sh/): shipped as it is, beside the others.
writeFileSync('dist/composable-generator.sh', shGenerator);
chmodSync('dist/composable-generator.sh', 0o755);
chmodSync('dist/composable.mjs', 0o755);
chmodSync('dist/composable-generator.cjs', 0o755);

// The library: the package's public entry points (package.json `exports`), as ES modules for
// `import` in node and bundlers. One bundle per entry, code they share split into chunks/ so a
// class is one class whichever entry it came through. Dependencies stay imports: the consumer's
// npm installs and dedupes them, and the .d.ts files name the same zod.
// No CommonJS build: every supported node (>= 20) can import ES modules, and require() of them
// works from node 20.19 / 22.12 on.
const LIBRARY_ENTRIES = { index: 'sdk/index.ts', host: 'host/index.ts', lint: 'lint/index.ts', testing: 'sdk/testing/index.ts' };
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: LIBRARY_ENTRIES,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  splitting: true,
  packages: 'external',
});

// Declarations beside each bundle: tsc writes dist/types/<source path>.d.ts, and dist/<entry>.d.ts
// re-exports the entry's. tsc keeps the sources' `.ts` import paths in declarations (TypeScript
// 5.9); a consumer's tsc under NodeNext needs `.js`, so they are rewritten here.
rmSync('dist/types', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)(?<!\.d)\.ts(['"])/g;
for (const file of readdirSync('dist/types', { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join('dist/types', file);
  const text = readFileSync(path, 'utf8');
  const rewritten = text.replace(relativeTs, '$1$2.js$3');
  if (rewritten !== text) writeFileSync(path, rewritten);
}
for (const [name, source] of Object.entries(LIBRARY_ENTRIES)) {
  writeFileSync(`dist/${name}.d.ts`, `export * from './types/${source.replace(/\.ts$/, '.js')}';\n`);
}

// JSON Schemas of the contract (what `composable schema NAME` prints), as files for agents in
// other languages: dist/schemas/<name>.schema.json.
const { jsonSchema, SCHEMA_NAMES } = await import(new URL('../dist/index.js', import.meta.url).href);
mkdirSync('dist/schemas', { recursive: true });
for (const name of SCHEMA_NAMES) writeFileSync(`dist/schemas/${name}.schema.json`, `${JSON.stringify(jsonSchema(name), null, 2)}\n`);
