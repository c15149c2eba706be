// composable lint against systemd-analyze verify on the same unit files: 200 generated packages
// (a service, a socket and a timer each, a few with mistakes), timed in the same run.
// Run: npx tsx bench/lint.ts [--packages N] [--runs N]
//
// - lint: one in-process `lint()` call over all package directories (every rule, every file).
// - verify, per package: one `systemd-analyze verify` per package, the way a packager would check
//   each package's units (each run starts a manager in test mode).
// - verify, one call: all unit files in one `systemd-analyze verify` invocation (its best case).
// - the CLI as a user runs it: `node dist/composable.mjs lint DIR...` as a whole process (build
//   first), and `composable --version` against `node -e 0`, alternating in the same loop (five
//   pairs per run, so the median is over 5 x --runs pairs).
// Each figure is the median of --runs runs (default 5). Ratios are verify time / lint time.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../lint/engine.ts';

const CLI = join(import.meta.dirname, '../dist/composable.mjs');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PACKAGES = arg('--packages', 200);
const RUNS = arg('--runs', 5);

function makePackages(n: number): { root: string; dirs: string[]; units: string[][] } {
  const root = mkdtempSync(join(tmpdir(), 'composable-bench-lint-'));
  const dirs: string[] = [];
  const units: string[][] = [];
  for (let i = 0; i < n; i++) {
    const name = `pkg${i}`;
    const dir = join(root, name);
    const unitDir = join(dir, 'usr/lib/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(
      join(dir, 'usr/lib/os-release'),
      `NAME="${name}"\nID=${name}\nVERSION_ID=1.0.${i}\nCOMPOSABLE_PROFILE=${i % 4 === 0 ? 'strict' : 'default'}\n`,
    );
    writeFileSync(join(dir, `usr/bin/${name}`), '#!/bin/sh\nexec sleep infinity\n');
    chmodSync(join(dir, `usr/bin/${name}`), 0o755);
    // Every tenth package has a typo, every seventh an invalid value: both tools have work to do.
    const typo = i % 10 === 0 ? 'ProtectSytem=strict\n' : 'ProtectSystem=strict\n';
    const value = i % 7 === 0 ? 'Restart=sometimes\n' : 'Restart=on-failure\n';
    const files: Record<string, string> = {
      [`${name}.service`]:
        `[Unit]\nDescription=${name}\nAfter=network.target\n\n[Service]\nType=simple\nExecStart=/usr/bin/${name} ` +
        `--serve\nDynamicUser=yes\nNoNewPrivileges=yes\n${typo}${value}RestartSec=5s\nTimeoutStopSec=30\n` +
        `\n[Install]\nWantedBy=composable.target\n`,
      [`${name}.socket`]:
        `[Unit]\nDescription=${name} socket\n\n[Socket]\nListenStream=/run/${name}.sock\nSocketMode=0660\n` +
        `\n[Install]\nWantedBy=sockets.target\n`,
      [`${name}-rotate.timer`]: `[Unit]\nDescription=${name} rotation\n\n[Timer]\nOnCalendar=${i % 2 ? 'daily' : 'Mon..Fri *-*-* 02:30'}\nUnit=${name}.service\n\n[Install]\nWantedBy=composable.target\n`,
    };
    const paths: string[] = [];
    for (const [file, text] of Object.entries(files)) {
      writeFileSync(join(unitDir, file), text);
      paths.push(join(unitDir, file));
    }
    dirs.push(dir);
    units.push(paths);
  }
  return { root, dirs, units };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void | Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  const r = fn();
  return Promise.resolve(r).then(() => Number(process.hrtime.bigint() - start) / 1e6);
}

function verify(files: string[]): void {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
}

const { root, dirs, units } = makePackages(PACKAGES);
try {
  const check = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (check.status !== 0) {
    console.error('bench/lint: systemd-analyze is not installed (apt install systemd)');
    process.exit(2);
  }
  const fileCount = units.flat().length;
  let findings = 0;
  const lintTimes: number[] = [];
  const perPackage: number[] = [];
  const oneCall: number[] = [];
  const cliLint: number[] = [];
  const cliVersion: number[] = [];
  const nodeBare: number[] = [];
  const hasCli = existsSync(CLI);
  for (let run = 0; run < RUNS; run++) {
    if (hasCli) {
      // Five pairs per run: a start-up of about 0.1 s is within the noise of one sample.
      for (let pair = 0; pair < 5; pair++) {
        nodeBare.push(await time(() => void spawnSync(process.execPath, ['-e', '0'])));
        cliVersion.push(await time(() => void spawnSync(process.execPath, [CLI, '--version'])));
      }
      // Exit 1 is expected: some packages carry mistakes on purpose.
      cliLint.push(await time(() => void spawnSync(process.execPath, [CLI, 'lint', ...dirs], { maxBuffer: 64 * 1024 * 1024 })));
    }
    lintTimes.push(
      await time(async () => {
        findings = (await lint(dirs, { config: {} })).diagnostics.length;
      }),
    );
    perPackage.push(
      await time(() => {
        for (const files of units) verify(files);
      }),
    );
    oneCall.push(await time(() => verify(units.flat())));
  }
  const l = median(lintTimes);
  const p = median(perPackage);
  const o = median(oneCall);
  const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  console.log(`composable lint vs systemd-analyze verify: ${PACKAGES} packages, ${fileCount} unit files, median of ${RUNS} runs`);
  console.log(`  composable lint (all rules, in process)   ${fmt(l).padStart(9)}   ${findings} findings`);
  console.log(`  systemd-analyze verify, one per package   ${fmt(p).padStart(9)}   ratio ${(p / l).toFixed(1)}x`);
  console.log(`  systemd-analyze verify, one call          ${fmt(o).padStart(9)}   ratio ${(o / l).toFixed(1)}x`);
  if (hasCli) {
    const c = median(cliLint);
    const v = median(cliVersion);
    const n = median(nodeBare);
    console.log(
      `  composable lint (CLI, whole process)      ${fmt(c).padStart(9)}   verify one call / CLI ` +
        `${(o / c).toFixed(1)}x, per package / CLI ${(p / c).toFixed(1)}x`,
    );
    console.log(`  composable --version                      ${fmt(v).padStart(9)}   ${(v / n).toFixed(2)}x node -e 0 (${fmt(n)})`);
  } else {
    console.log('  (no dist/composable.mjs: npm run build first to time the CLI as a whole process)');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
