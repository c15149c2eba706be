// Ways to start the generator faster, each timed as a whole process against `node -e 0` in the
// same alternating loop (issue 15). Run: npm run build && npx tsx bench/generator-startup.ts [--runs N] [--sizes 1,100]
// Variants, all built here from the bundle inside dist/composable-generator.cjs:
//   plain        the esbuild bundle alone, as shipped before the code cache (banner sets --no-opt)
//   opt          the bundle without the --no-opt banner (V8's optimising compiler on)
//   jitless      `node --jitless`: the interpreter only, no executable memory
//   no-sparkplug `node --no-sparkplug`: no baseline compiler either
//   snapshot     a V8 startup snapshot with the bundle's modules already initialised:
//                `node --snapshot-blob gen.blob --build-snapshot entry.js`, run as
//                `node --snapshot-blob gen.blob <script> OUT`
//   code-cache   a launcher that compiles the bundle with `new vm.Script(source, { cachedData })`,
//                the cache taken after one run on a sample root so lazily compiled functions are in it
//   embedded-*   what scripts/build-generator-cache.mjs ships: one file holding the launcher, the
//                source and the cache: taken after a sample run (embedded-cache), right after
//                compiling (embedded-compile-only), or made for another node, so skipped (embedded-other-node)
// Each figure is the median of N runs; the output directory is on /dev/shm, fresh and empty each
// run, as systemd leaves /run/systemd/generator. Before timing, every variant's output is checked
// byte for byte against the plain bundle's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutputTree } from '../generator/output/read-tree.ts';
import { makeBenchRoot } from './store.ts';
import { bundleBody, launcherSource, produceCodeCache, readLauncher } from '../scripts/build-generator-cache.mjs';

const GENERATOR = join(import.meta.dirname, '../dist/composable-generator.cjs');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 15);
const SIZES = (arg('--sizes') ?? '1,100').split(',').map(Number);
const ONLY = arg('--only')?.split(',');
const node = process.execPath;

if (!existsSync(GENERATOR)) {
  console.error('bench/generator-startup: build first (npm run build)');
  process.exit(2);
}

interface Variant {
  name: string;
  /** Command line for one run writing into `out`. */
  argv(out: string): string[];
}

const work = mkdtempSync(join(tmpdir(), 'composable-bench-startup-'));
// dist/ holds the launcher with the code cache (scripts/build-generator-cache.mjs); the plain
// bundle, as esbuild wrote it, is the body inside with its shebang back.
const built = readFileSync(GENERATOR, 'utf8');
const bundle = built.includes('built by scripts/build-generator-cache.mjs')
  ? `#!/usr/bin/env node\n${readLauncher(built, GENERATOR).body}`
  : built;
const PLAIN = join(work, 'plain.cjs');
writeFileSync(PLAIN, bundle);
const [shebang, banner, ...rest] = bundle.split('\n');
if (shebang !== '#!/usr/bin/env node' || !banner!.includes("setFlagsFromString('--no-opt')")) {
  throw new Error(`${GENERATOR}: expected the shebang and the --no-opt banner on lines 1-2 (scripts/build.mjs); update this bench`);
}
const body = rest.join('\n');
// The bundle ends by running main: `process.exitCode=<main>(process.argv.slice(2));`.
const tail = /process\.exitCode=([\w$]+)\(process\.argv\.slice\(2\)\);\s*$/.exec(body);
if (!tail) throw new Error(`${GENERATOR}: does not end with process.exitCode=main(process.argv.slice(2)); update this bench`);

function plainVariants(): Variant[] {
  const opt = join(work, 'opt.cjs');
  writeFileSync(opt, `${shebang}\n${body}`);
  return [
    { name: 'plain', argv: (out) => [PLAIN, out] },
    { name: 'opt', argv: (out) => [opt, out] },
    { name: 'jitless', argv: (out) => ['--jitless', PLAIN, out] },
    { name: 'no-sparkplug', argv: (out) => ['--no-sparkplug', PLAIN, out] },
  ];
}

/** Everything but the call to main runs while the snapshot is built; main runs after it is deserialised. */
function snapshotVariant(): Variant {
  const entry = join(work, 'snapshot-entry.js');
  const blob = join(work, 'gen.blob');
  const main = tail![1]!;
  writeFileSync(
    entry,
    `${body.slice(0, tail!.index)}require("node:v8").startupSnapshot.setDeserializeMainFunction(()=>{require("node:v8").setFlagsFromString("--no-opt");process.exitCode=${main}(process.argv.slice(2))});\n`,
  );
  execFileSync(node, ['--snapshot-blob', blob, '--build-snapshot', entry], { cwd: work, stdio: 'inherit' });
  // Run from a snapshot, node keeps argv[1] for the script as if one had been named: systemd's
  // `#!/usr/bin/env -S node --snapshot-blob BLOB` file would put its own path there.
  return { name: 'snapshot', argv: (out) => ['--snapshot-blob', blob, entry, out] };
}

/** A launcher compiling the bundle (without its shebang) with V8's code cache. */
function codeCacheVariant(sampleRoot: string): Variant {
  const target = join(work, 'cache-target.cjs');
  const cache = join(work, 'cache-target.cjs.cache');
  const launcher = join(work, 'cache-launcher.cjs');
  writeFileSync(target, `${banner}\n${body}`);
  // --no-opt is set before compiling, at build and at run time alike: V8's flag hash is part of
  // the cache's check, and the banner setting it again changes nothing.
  writeFileSync(
    launcher,
    `'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
require('node:v8').setFlagsFromString('--no-opt');
const target = ${JSON.stringify(target)};
const cachePath = ${JSON.stringify(cache)};
const writeCache = process.env.COMPOSABLE_WRITE_CODE_CACHE === '1';
const source = fs.readFileSync(target, 'utf8');
let cachedData;
if (!writeCache) try { cachedData = fs.readFileSync(cachePath); } catch {}
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: target, cachedData });
if (process.env.COMPOSABLE_CODE_CACHE_REPORT === '1') process.stderr.write('cachedDataRejected=' + script.cachedDataRejected + '\\n');
script.runInThisContext()(exports, require, module, target, __dirname);
if (writeCache) fs.writeFileSync(cachePath, script.createCachedData());
`,
  );
  const out = join(work, 'cache-sample-out');
  mkdirSync(out);
  execFileSync(node, [launcher, out], {
    env: { ...process.env, COMPOSABLE_ROOT: sampleRoot, COMPOSABLE_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
  const report = spawnSync(node, [launcher, join(work, 'cache-check-out')], {
    env: { ...process.env, COMPOSABLE_ROOT: sampleRoot, COMPOSABLE_CODE_CACHE_REPORT: '1' },
  });
  if (!String(report.stderr).includes('cachedDataRejected=false')) throw new Error(`code cache rejected: ${report.stderr}`);
  return { name: 'code-cache', argv: (o) => [launcher, o] };
}

/**
 * What scripts/build-generator-cache.mjs ships: one file, the launcher with the bundle's source
 * and its cache inside, taken after a sample run or (compile-only) right after compiling.
 */
function embeddedCodeCacheVariants(): Variant[] {
  const body = bundleBody(bundle, GENERATOR);
  const variants = (
    [
      ['embedded-cache', true],
      ['embedded-compile-only', false],
    ] as const
  ).map(([name, sampleRun]) => {
    const file = join(work, `${name}.cjs`);
    writeFileSync(file, launcherSource({ body, ...produceCodeCache(body, { sampleRun }) }));
    return { name, argv: (out: string) => [file, out] };
  });
  // What a user whose node differs from the build's runs: the same file, the cache skipped.
  const other = join(work, 'embedded-other-node.cjs');
  writeFileSync(other, launcherSource({ body, cache: produceCodeCache(body).cache, key: 'v0.0.0 0.0.0 none' }));
  return [...variants, { name: 'embedded-other-node', argv: (out: string) => [other, out] }];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// The machine may be busy (2 cores, other jobs): besides wall time, take each run's CPU time
// (user + system, all threads), which waiting for a core does not inflate. Node cannot read a
// child's rusage, so a small python3 helper spawns the run and reports wait4()'s figures.
const RUSAGE_HELPER = `
import os, sys, time
t0 = time.perf_counter_ns()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0)])
_, status, ru = os.wait4(pid, 0)
t1 = time.perf_counter_ns()
sys.stdout.write('%d %d %d' % (os.waitstatus_to_exitcode(status), t1 - t0, round((ru.ru_utime + ru.ru_stime) * 1e9)))
`;
const python =
  spawnSync('python3', ['-c', 'import os; os.wait4; os.posix_spawn; os.waitstatus_to_exitcode'], { stdio: 'ignore' }).status === 0;

interface Sample {
  wall: number;
  cpu?: number;
}

/** Wall time (and CPU time, with python3) of one process, ms. */
function timeOnce(args: string[], env: NodeJS.ProcessEnv): Sample {
  if (python) {
    const r = spawnSync('python3', ['-c', RUSAGE_HELPER, node, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [status, wall, cpu] = String(r.stdout).split(' ').map(Number);
    if (r.status !== 0 || status !== 0) throw new Error(`node ${args.join(' ')} exited ${status ?? r.status}: ${r.stderr}`);
    return { wall: wall! / 1e6, cpu: cpu! / 1e6 };
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const t1 = process.hrtime.bigint();
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall: Number(t1 - t0) / 1e6 };
}

const out = join(existsSync('/dev/shm') ? '/dev/shm' : work, `composable-bench-startup-out-${process.pid}`);
const fresh = () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
};

const sample = makeBenchRoot(3, 'startup');
let variants = [...plainVariants(), snapshotVariant(), codeCacheVariant(sample), ...embeddedCodeCacheVariants()];
// --against FILE: another build's shipped generator (e.g. before a change), as one more variant.
const AGAINST = arg('--against');
if (AGAINST) variants.push({ name: 'against', argv: (out) => [AGAINST, out] }, { name: 'shipped', argv: (out) => [GENERATOR, out] });
// plain is always measured: every ratio is also given against it.
if (ONLY)
  variants = variants.filter(
    (v) => v.name === 'plain' || ONLY.includes(v.name) || (AGAINST && (v.name === 'against' || v.name === 'shipped')),
  );
rmSync(sample, { recursive: true, force: true });

let load = execFileSync('uptime').toString().trim();
console.log(
  `node ${process.version}, ${RUNS} runs each, median wall time, node -e 0 and the variants alternating; load: ${load.replace(/.*load/, 'load')}`,
);
for (const n of SIZES) {
  const root = makeBenchRoot(n, 'startup');
  const env = { ...process.env, COMPOSABLE_ROOT: root };
  let expected: string | undefined;
  for (const v of variants) {
    fresh();
    timeOnce(v.argv(out), env);
    const got = JSON.stringify(readOutputTree(out));
    if (expected === undefined) expected = got;
    else if (got !== expected) throw new Error(`${v.name}: output differs from plain at ${n} packages`);
  }
  const samples = new Map<string, Sample[]>([['node -e 0', []], ...variants.map((v) => [v.name, []] as [string, Sample[]])]);
  for (let i = 0; i < RUNS; i++) {
    samples.get('node -e 0')!.push(timeOnce(['-e', '0'], process.env));
    for (const v of variants) {
      fresh();
      samples.get(v.name)!.push(timeOnce(v.argv(out), env));
    }
  }
  const wall = (name: string) => median(samples.get(name)!.map((s) => s.wall));
  const cpu = (name: string) => (python ? median(samples.get(name)!.map((s) => s.cpu!)) : NaN);
  console.log(`\n${n} package${n === 1 ? '' : 's'}:`);
  console.log(`variant               | wall ms | / node -e 0 | / plain${python ? ' | cpu ms | / node -e 0 | / plain' : ''}`);
  for (const name of samples.keys()) {
    const w = `${wall(name).toFixed(1).padStart(7)} | ${(wall(name) / wall('node -e 0')).toFixed(2).padStart(10)}x | ${(wall(name) / wall('plain')).toFixed(2).padStart(6)}x`;
    const c = python
      ? ` | ${cpu(name).toFixed(1).padStart(6)} | ${(cpu(name) / cpu('node -e 0')).toFixed(2).padStart(10)}x | ${(cpu(name) / cpu('plain')).toFixed(2).padStart(6)}x`
      : '';
    console.log(`${name.padEnd(21)} | ${w}${c}`);
  }
  rmSync(root, { recursive: true, force: true });
}
rmSync(out, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
load = execFileSync('uptime').toString().trim();
console.log(`\nafter: ${load.replace(/.*load/, 'load')}`);
