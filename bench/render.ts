// `composable render` start-to-finish, as an agent runs it before each container start, for 10,
// 100 and 500 packages, next to `node -e 0` and the bundled node generator on the same root in
// the same alternating loop. Goal (issue 24): 100 packages within 300 ms for the whole process.
// The trees are written to a tmpfs (/dev/shm), as on a host: the agent and the OCI hook write the
// render below /run, and the generator in the container writes /run/systemd/generator, both tmpfs.
// `--disk` writes them below os.tmpdir() instead (on this sandbox a disk where creating a file
// costs ~0.4 ms, which then is most of the time for both).
// Run: npm run build && npx tsx bench/render.ts [--runs N] [--disk]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBenchRoot } from './store.ts';

const DIST = join(import.meta.dirname, '../dist');
const CLI = join(DIST, 'composable.mjs');
const GENERATOR = join(DIST, 'composable-generator.cjs');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 11;
const SIZES = [10, 100, 500];
const OUT_BASE = !process.argv.includes('--disk') && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

if (!existsSync(CLI) || !existsSync(GENERATOR)) {
  console.error('bench/render: build first (npm run build)');
  process.exit(2);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

console.log(`node ${process.version}, ${RUNS} runs each, median wall time, the three alternating; trees written below ${OUT_BASE}`);
console.log('packages | node -e 0 ms | composable render ms | node generator ms | render / node -e 0 | render / generator');
for (const n of SIZES) {
  const root = makeBenchRoot(n, 'render');
  const work = mkdtempSync(join(OUT_BASE, 'composable-bench-render-out-'));
  const base: number[] = [];
  const render: number[] = [];
  const gen: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      base.push(timed([process.execPath, '-e', '0']));
      render.push(timed([process.execPath, CLI, 'render', '--root', root, '--out', join(work, `r${i}`)]));
      const out = join(work, `g${i}`);
      mkdirSync(out);
      gen.push(timed([process.execPath, GENERATOR, out], { ...process.env, COMPOSABLE_ROOT: root }));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const b = median(base);
  const r = median(render);
  const g = median(gen);
  console.log(
    `${String(n).padStart(8)} | ${b.toFixed(1).padStart(12)} | ${r.toFixed(1).padStart(20)} | ${g.toFixed(1).padStart(17)} ` +
      `| ${(r / b).toFixed(2).padStart(17)}x | ${(r / g).toFixed(2)}x`,
  );
}
