// What the generator costs at boot. Boots a real systemd (systemd-nspawn, test/harness/nspawn.ts)
// with 10, 50 and 100 packages, twice each way:
//   generator: metadata + store, composable-generator installed (the product);
//   static:    the very same unit tree the generator would write, installed in the image
//              beforehand, no generator (the baseline);
//   node noop: the static tree plus a generator that is an empty node script: what any generator
//              written for node costs at boot before it does anything (node's own start-up in
//              the container), the floor under ours.
//   rendered:  metadata + store, the tree rendered on the host (`composable render`) bound at
//              /run/composable/render, and the node-free sh generator (dist/composable-generator.sh)
//              that checks it and links it into place: the path for images without node.
// Reported per run, median over --runs boots: the time from systemd's start (the manager's
// UserspaceTimestampMonotonic) until the last sidecar became active, and the time systemd spent
// in generators. The difference between the two columns is the generator's cost at boot.
// Run as root: npm run build && npx tsx bench/boot.ts [--runs N]
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootContainer, ensureRootfs, parseShow } from '../test/harness/nspawn.ts';
import { buildPackage, daemonPackage, removeBuiltPackages, serviceEntry } from '../test/e2e/packages.ts';
import { planGeneration } from '../generator/plan/plan-generation.ts';
import { readGeneratorInput } from '../generator/input/read-input.ts';
import { renderFromRoot } from '../host/render/render.ts';
import { writeRender } from '../host/render/write-render.ts';
import { DIST } from '../test/harness/nspawn.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const SIZES = [10, 50, 100];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const PROBE = (
  names: string[],
): string => `for i in $(seq 1 200); do n=0; for s in ${names.join(' ')}; do [ "$(systemctl show -p ActiveState --value $s.service)" = active ] && n=$((n+1)); done; [ $n = ${names.length} ] && break; sleep 0.05; done
systemctl show -p UserspaceTimestampMonotonic,GeneratorsStartTimestampMonotonic,GeneratorsFinishTimestampMonotonic > /results/manager
for s in ${names.join(' ')}; do systemctl show -p ActiveEnterTimestampMonotonic --value $s.service; done > /results/active
`;

const RENDERED_GENERATOR = join(DIST, 'composable-generator.sh');
const NOOP_DIR = mkdtempSync(join(tmpdir(), 'composable-bench-noop-'));
const NOOP_GENERATOR = join(NOOP_DIR, 'noop-generator');
writeFileSync(NOOP_GENERATOR, '#!/usr/bin/env node\n');
chmodSync(NOOP_GENERATOR, 0o755);

async function measure(
  n: number,
  mode: 'generator' | 'static' | 'noop' | 'rendered',
  runs = RUNS,
): Promise<{ untilActiveMs: number; generatorsMs: number }[]> {
  const names = Array.from({ length: n }, (_, i) => `bench${i}`);
  const packages = names.map((name, i) => buildPackage(daemonPackage(name, ['early', 'default', 'late'][i % 3]!)));
  const metadata = { schemaVersion: 1, services: packages.map((p, i) => serviceEntry(p, names[i]!)) };
  const units: Record<string, string> = {};
  const enable: { unit: string; wantedBy: string }[] = [];
  let render: string | undefined;
  if (mode === 'rendered') {
    // The same bytes the harness writes as /run/composable/metadata.json: the sh generator checks its digest.
    const root = mkdtempSync(join(tmpdir(), 'composable-bench-root-'));
    mkdirSync(join(root, 'run/composable/store'), { recursive: true });
    writeFileSync(join(root, 'run/composable/metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    for (const p of packages) cpSync(p.dir, join(root, 'run/composable/store', p.storeName), { recursive: true });
    render = join(NOOP_DIR, `render-${n}`);
    writeRender(render, renderFromRoot({ root }));
    rmSync(root, { recursive: true, force: true });
  } else if (mode !== 'generator') {
    // The generator's own output for this metadata, computed offline and installed in the image.
    const root = mkdtempSync(join(tmpdir(), 'composable-bench-root-'));
    mkdirSync(join(root, 'run/composable/store'), { recursive: true });
    writeFileSync(join(root, 'run/composable/metadata.json'), JSON.stringify(metadata));
    for (const p of packages) cpSync(p.dir, join(root, 'run/composable/store', p.storeName), { recursive: true });
    const plan = planGeneration(readGeneratorInput(root));
    for (const f of plan.files) {
      if (f.kind === 'file') units[f.path] = f.content;
      else enable.push({ unit: f.target.replace('../', ''), wantedBy: f.path.split('.wants/')[0]! });
    }
    rmSync(root, { recursive: true, force: true });
  }
  const out: { untilActiveMs: number; generatorsMs: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const b = await bootContainer({
      packages,
      metadata,
      units,
      enable,
      generator: mode === 'generator' ? undefined : mode === 'noop' ? NOOP_GENERATOR : mode === 'rendered' ? RENDERED_GENERATOR : false,
      ...(render ? { render } : {}),
      probe: PROBE(names),
      timeoutMs: 120_000,
    });
    try {
      const m = parseShow(b.read('manager'));
      const active = b.read('active').split('\n').filter(Boolean).map(Number);
      if (active.length !== n || active.some((x) => !(x > 0)))
        throw new Error(`not all ${n} sidecars became active (${mode}); console:\n${b.console.slice(-3000)}`);
      const start = Number(m.UserspaceTimestampMonotonic);
      out.push({
        untilActiveMs: (Math.max(...active) - start) / 1000,
        generatorsMs: (Number(m.GeneratorsFinishTimestampMonotonic) - Number(m.GeneratorsStartTimestampMonotonic)) / 1000,
      });
    } finally {
      b.cleanup();
    }
  }
  removeBuiltPackages();
  return out;
}

await ensureRootfs();
console.log(`median of ${RUNS} boots each, the four ways alternating; times from systemd's start (ms)`);
console.log(
  'packages | all active: static / node noop / composable generator / rendered + sh generator ' +
    '| added over static: generator / rendered | generators phase: static / node noop / generator / rendered ' +
    '| phase added over static: generator / rendered',
);
const MODES = ['static', 'noop', 'generator', 'rendered'] as const;
for (const n of SIZES) {
  const runs: Record<(typeof MODES)[number], { untilActiveMs: number; generatorsMs: number }[]> = {
    static: [],
    noop: [],
    generator: [],
    rendered: [],
  };
  // One boot of each way in turn, RUNS times: a slow spell of the machine hits all four alike.
  const perRound = RUNS;
  for (let r = 0; r < perRound; r++) for (const m of MODES) runs[m].push(...(await measure(n, m, 1)));
  const active = (m: (typeof MODES)[number]): number => median(runs[m].map((x) => x.untilActiveMs));
  const phase = (m: (typeof MODES)[number]): number => median(runs[m].map((x) => x.generatorsMs));
  const f = (x: number): string => x.toFixed(1);
  console.log(
    `${String(n).padStart(8)} | ${MODES.map((m) => f(active(m))).join(' / ')} ` +
      `| ${f(active('generator') - active('static'))} / ${f(active('rendered') - active('static'))} ` +
      `| ${MODES.map((m) => f(phase(m))).join(' / ')} ` +
      `| ${f(phase('generator') - phase('static'))} / ${f(phase('rendered') - phase('static'))}`,
  );
}
rmSync(NOOP_DIR, { recursive: true, force: true });
