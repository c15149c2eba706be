// Generator start-to-finish time for 1, 10, 100, 500 and 2,000 packages, next to `node -e 0`
// measured in the same alternating loop. Run: npm run build && npx tsx bench/generator.ts [--runs N]
// [--against OTHER_GENERATOR]
// Each figure is the median wall time of N runs of the bundled generator as systemd runs it
// (a fresh, empty output directory each time, on tmpfs like /run/systemd/generator; metadata
// and store below COMPOSABLE_ROOT). It also reports the cost per package over the start-up floor
// (the 1-package run) and, per step, the cost of each package the step adds: growth is linear
// when no step's per-package cost exceeds the 10 -> 100 step's by more than LINEAR_TOLERANCE. Steps are
// computed on the cost over `node -e 0` taken pair by pair in the loop, which a busy machine skews less.
// The "I/O floor" column is what any node generator doing this job must spend: a script with no
// parsing or checks that reads every file of the store and the metadata and writes the tree the
// generator wrote (same files, same symlinks) into an empty directory, in the same loop. It shows
// how much of the gap to `node -e 0` is node's start-up plus the file system, not our code.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutputTree } from '../generator/output/read-tree.ts';
import { makeBenchRoot } from './store.ts';

const GENERATOR = join(import.meta.dirname, '../dist/composable-generator.cjs');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const SIZES = [1, 10, 100, 500, 2000];
// --against FILE: another build of the generator (e.g. main's, before a change), timed in the same
// loop, its output checked byte for byte against this one's.
const againstArg = process.argv.indexOf('--against');
const AGAINST = againstArg > 0 ? process.argv[againstArg + 1] : undefined;
/** A step may cost this much more per added package than the first before growth counts as worse than linear. */
const LINEAR_TOLERANCE = 1.5;

if (!existsSync(GENERATOR)) {
  console.error('bench/generator: build first (npm run build)');
  process.exit(2);
}

/**
 * A plain script that does the generator's unavoidable I/O and nothing else: read the metadata
 * and every file in the store, then create the output tree (exclusive create, one write per
 * file, as the generator writes small files).
 */
const FLOOR_SCRIPT = `'use strict';
const fs = require('fs');
const [, , root, out, treeFile] = process.argv;
fs.readFileSync(root + '/run/composable/metadata.json');
const readAll = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = d + '/' + e.name; if (e.isDirectory()) readAll(p); else fs.readFileSync(p); } };
readAll(root + '/run/composable/store');
const tree = JSON.parse(fs.readFileSync(treeFile, 'utf8'));
for (const e of tree) {
  if (e.kind === 'dir') fs.mkdirSync(out + '/' + e.path);
  else if (e.kind === 'file') { const fd = fs.openSync(out + '/' + e.path, 'wx', 0o644); fs.writeSync(fd, e.content); fs.closeSync(fd); }
  else fs.symlinkSync(e.target, out + '/' + e.path);
}
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, before?: () => void, runs = RUNS): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    samples.push(Number(t1 - t0) / 1e6);
  }
  return median(samples);
}

const node = process.execPath;
console.log(
  `node ${execFileSync(node, ['--version']).toString().trim()}, ${RUNS} runs each, median wall time, baseline and generator alternating`,
);
console.log(
  'packages | node -e 0 ms | I/O floor ms | generator ms | generator / node -e 0 | floor / node ' +
    '-e 0, generator / floor | ms over node -e 0 (median of pairs) | ms per added package (this step)',
);
const rows: { n: number; ms: number; baseline: number; io: number; over: number }[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'composable-bench-floor-'));
const floorScript = join(scratch, 'floor.cjs');
writeFileSync(floorScript, FLOOR_SCRIPT);
for (const n of SIZES) {
  const root = makeBenchRoot(n, 'generator');
  // systemd's generator directories live on tmpfs (/run); use one too when the machine has it.
  const out = existsSync('/dev/shm') ? join('/dev/shm', `composable-bench-out-${process.pid}`) : join(root, 'out');
  const fresh = (): void => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
  };
  // One run first, to learn the tree the floor script writes.
  fresh();
  time(node, [GENERATOR, out], { ...process.env, COMPOSABLE_ROOT: root }, undefined, 1);
  const treeFile = join(scratch, `tree-${n}.json`);
  writeFileSync(treeFile, JSON.stringify(readOutputTree(out)));
  const base: number[] = [];
  const ioFloor: number[] = [];
  const gen: number[] = [];
  const against: number[] = [];
  if (AGAINST) {
    fresh();
    time(node, [AGAINST, out], { ...process.env, COMPOSABLE_ROOT: root }, undefined, 1);
    if (JSON.stringify(readOutputTree(out)) !== readFileSync(treeFile, 'utf8'))
      throw new Error(`${AGAINST} wrote another tree for ${n} packages`);
  }
  for (let i = 0; i < RUNS; i++) {
    base.push(time(node, ['-e', '0'], process.env, undefined, 1));
    ioFloor.push(time(node, [floorScript, root, out, treeFile], process.env, fresh, 1));
    gen.push(time(node, [GENERATOR, out], { ...process.env, COMPOSABLE_ROOT: root }, fresh, 1));
    if (AGAINST) against.push(time(node, [AGAINST, out], { ...process.env, COMPOSABLE_ROOT: root }, fresh, 1));
  }
  // The cost over node's start-up, pair by pair: a busy machine slows both runs of a pair alike,
  // so the per-step figures below compare these rather than raw medians.
  const over = median(gen.map((g, i) => g - base[i]!));
  const row = { n, ms: median(gen), baseline: median(base), io: median(ioFloor), over };
  const prev = rows.at(-1);
  rows.push(row);
  const step = prev ? ((row.over - prev.over) / (n - prev.n)).toFixed(3) : '';
  console.log(
    `${String(n).padStart(8)} | ${row.baseline.toFixed(1).padStart(12)} | ${row.io.toFixed(1).padStart(12)} ` +
      `| ${row.ms.toFixed(1).padStart(12)} | ${(row.ms / row.baseline).toFixed(2)}x | ${(row.io / row.baseline).toFixed(2)}x ` +
      `floor, ${(row.ms / row.io).toFixed(2)}x gen/floor | ${row.over.toFixed(1)} | ${step}`,
  );
  if (AGAINST) {
    const ratio = median(gen.map((g, i) => g / against[i]!));
    console.log(
      `${String(n).padStart(8)} | against ${AGAINST}: ${median(against).toFixed(1)} ms; this / against ${ratio.toFixed(3)} (median of pairs)`,
    );
  }
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
const floor = rows[0]!;
const last = rows.at(-1)!;
console.log(
  `start-up floor (1 package) ${floor.ms.toFixed(1)} ms; cost per package over it at ${last.n}: ` +
    `${((last.over - floor.over) / (last.n - 1)).toFixed(3)} ms`,
);
const steps = rows.slice(1).map((r, i) => ({ n: r.n, perPackage: (r.over - rows[i]!.over) / (r.n - rows[i]!.n) }));
// The first steps are within the noise of process start-up; judge from the 10 -> 100 step on.
const reference = steps.find((s) => s.n >= 100)?.perPackage ?? steps[0]!.perPackage;
const worse = steps.filter((s) => s.n > 100 && s.perPackage > reference * LINEAR_TOLERANCE);
console.log(
  worse.length === 0
    ? `linear: no step from 100 packages on costs more than ${LINEAR_TOLERANCE}x per package than 10 -> 100`
    : `NOT linear: ${worse.map((s) => `step to ${s.n} costs ${s.perPackage.toFixed(3)} ms per package`).join(', ')} (10 -> 100: ${reference.toFixed(3)})`,
);
rmSync(scratch, { recursive: true, force: true });
