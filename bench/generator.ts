// Generator start-to-finish time for 1, 10, 100 and 500 packages, next to `node -e 0` measured
// in the same run. Run: npm run build && npx tsx bench/generator.ts [--runs N]
// Each figure is the median wall time of N runs of the bundled generator as systemd runs it
// (a fresh, empty output directory each time, on tmpfs like /run/systemd/generator; metadata
// and store below COMPOSABLE_ROOT).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GENERATOR = join(import.meta.dirname, '../dist/composable-generator.cjs');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const SIZES = [1, 10, 100, 500];

if (!existsSync(GENERATOR)) {
  console.error('bench/generator: build first (npm run build)');
  process.exit(2);
}

function makeRoot(n: number): string {
  const root = mkdtempSync(join(tmpdir(), `composable-bench-${n}-`));
  const services = [];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}`;
    const dir = join(root, 'run/composable/store', `${name}-1.0.${i}`);
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/os-release'), `NAME="${name}"\nID=${name}\nVERSION_ID=1.0.${i}\nCOMPOSABLE_TARGET=${['early', 'default', 'late'][i % 3]}\n`);
    writeFileSync(join(dir, `usr/bin/${name}`), '#!/bin/sh\nexec sleep infinity\n');
    chmodSync(join(dir, `usr/bin/${name}`), 0o755);
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}.service`),
      `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name} --flag\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n`,
    );
    writeFileSync(join(dir, `usr/lib/systemd/system/${name}-tick.timer`), `[Timer]\nOnCalendar=hourly\n\n[Install]\nWantedBy=timers.target\n`);
    writeFileSync(join(dir, `usr/lib/systemd/system/${name}-tick.service`), `[Service]\nType=oneshot\nExecStart=/usr/bin/${name} --tick\n`);
    services.push({ name, source: `/run/composable/store/${name}-1.0.${i}`, environment: { INDEX: String(i) } });
  }
  writeFileSync(join(root, 'run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
  return root;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, before?: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
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
const baseline = time(node, ['-e', '0'], process.env);
console.log(`node ${execFileSync(node, ['--version']).toString().trim()}, ${RUNS} runs each, median wall time`);
console.log(`baseline  node -e 0: ${baseline.toFixed(1)} ms`);
console.log('packages | generator ms | ratio to node -e 0');
for (const n of SIZES) {
  const root = makeRoot(n);
  // systemd's generator directories live on tmpfs (/run); use one too when the machine has it.
  const out = existsSync('/dev/shm') ? join('/dev/shm', `composable-bench-out-${process.pid}`) : join(root, 'out');
  const ms = time(node, [GENERATOR, out], { ...process.env, COMPOSABLE_ROOT: root }, () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
  });
  console.log(`${String(n).padStart(8)} | ${ms.toFixed(1).padStart(12)} | ${(ms / baseline).toFixed(2)}x`);
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
