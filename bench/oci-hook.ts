// What composable-oci-hook adds to starting a container. Starts the systemd test image with podman
// and runc, alternating, in the same loop:
//   hook:  --annotation io.composable.services=<N packages> (createRuntime + poststop hooks run)
//   plain: no annotation (the hook files are there, their `when` condition does not match)
// and reports the median wall time of `podman run --detach` (it returns once the container is
// running, after the createRuntime hooks) and, with --systemd, until the container's systemd has
// finished starting (`systemctl is-system-running --wait`). The difference is the hook's cost.
// Run as root, under the machine-wide lock:
//   npm run build && flock /tmp/composable-containers.lock npx tsx bench/oci-hook.ts [--runs N] [--packages N] [--systemd]
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureSystemdImage, harnessRunArgs, containerName, removeContainer } from '../test/harness/podman.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 7);
const PACKAGES = arg('--packages', 2);
const UNTIL_SYSTEMD = process.argv.includes('--systemd');
const REPO = join(import.meta.dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const work = mkdtempSync(join(tmpdir(), 'composable-bench-oci-hook-'));
try {
  const store = join(work, 'store');
  const names = Array.from({ length: PACKAGES }, (_, i) => `bench${i}`);
  for (const name of names) {
    const dir = join(store, name);
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=1.0\n`);
    writeFileSync(join(dir, 'usr/bin', name), '#!/bin/sh\nwhile :; do sleep 3600; done\n');
    chmodSync(join(dir, 'usr/bin', name), 0o755);
    writeFileSync(
      join(dir, 'usr/lib/systemd/system', `${name}.service`),
      `[Service]\nExecStart=/usr/bin/${name}\n[Install]\nWantedBy=multi-user.target\n`,
    );
  }
  const configPath = join(work, 'hook.json');
  writeFileSync(configPath, JSON.stringify({ store, runRoot: join(work, 'run') }));
  const hooksDir = join(work, 'hooks.d');
  mkdirSync(hooksDir);
  const shipped = join(REPO, 'host/oci-hook/hooks.d/podman');
  for (const file of readdirSync(shipped)) {
    const hook = JSON.parse(readFileSync(join(shipped, file), 'utf8'));
    hook.hook.path = join(REPO, 'dist/composable-oci-hook.cjs');
    hook.hook.args = [...hook.hook.args, '--config', configPath];
    writeFileSync(join(hooksDir, file), JSON.stringify(hook));
  }
  const image = await ensureSystemdImage();

  async function once(annotated: boolean): Promise<{ runMs: number; systemdMs?: number }> {
    const name = containerName('composable-bench');
    const args = [
      'run',
      ...harnessRunArgs(name),
      '--systemd=always',
      '--hooks-dir',
      hooksDir,
      ...(annotated ? ['--annotation', `io.composable.services=${names.join(' ')}`] : []),
      image,
    ];
    try {
      const t0 = performance.now();
      await execa('podman', args, { timeout: 120_000, stdin: 'ignore' });
      const runMs = performance.now() - t0;
      if (!UNTIL_SYSTEMD) return { runMs };
      for (;;) {
        const r = await execa('podman', ['exec', name, 'systemctl', 'is-system-running', '--wait'], { reject: false, timeout: 60_000 });
        if (['running', 'degraded'].includes(r.stdout.trim())) break;
        if (performance.now() - t0 > 60_000) throw new Error(`systemd in ${name} did not start: ${r.stdout} ${r.stderr}`);
        await new Promise((res) => setTimeout(res, 50));
      }
      return { runMs, systemdMs: performance.now() - t0 };
    } finally {
      await removeContainer(name);
    }
  }

  await once(true); // warm-up: image layers, the hook's first node start
  await once(false);
  const hook: { runMs: number; systemdMs?: number }[] = [];
  const plain: { runMs: number; systemdMs?: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    hook.push(await once(true));
    plain.push(await once(false));
  }
  const fmt = (x: number) => `${x.toFixed(1)} ms`;
  const h = median(hook.map((r) => r.runMs));
  const p = median(plain.map((r) => r.runMs));
  console.log(`${RUNS} alternating runs, ${PACKAGES} package(s), podman + runc`);
  console.log(`podman run --detach -> running: with hook ${fmt(h)}, without ${fmt(p)}, added ${fmt(h - p)} (median)`);
  if (UNTIL_SYSTEMD) {
    const hs = median(hook.map((r) => r.systemdMs!));
    const ps = median(plain.map((r) => r.systemdMs!));
    console.log(`podman run -> systemd running: with hook ${fmt(hs)}, without ${fmt(ps)}, added ${fmt(hs - ps)} (median)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
