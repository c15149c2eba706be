// composable demo — the whole product on the shipped examples: each example is linted and packed,
// unpacked into a store and described in metadata as an agent would, the generator runs, and the
// result is shown. As root with systemd-nspawn and debootstrap (or with --boot) it also boots a
// real systemd container with them and shows the sidecars running.
import type { Command } from 'commander';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { METADATA_PATH, STORE_ROOT, TARGETS, hostPath } from '../../sdk/contract.ts';
import { loadPackage } from '../../sdk/package.ts';
import { packageDigest } from '../../sdk/digest.ts';
import { writeMetadata } from '../../host/agent.ts';
import { packPackage } from '../../sdk/artifact/pack.ts';
import type { OutputFile } from '../../generator/plan/types.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { bootContainer, ensureRootfs } from '../../test/harness/nspawn.ts';
import { runGenerator, describeReason } from '../../generator/run-generator.ts';
import { completeChrootPackage } from './init.ts';
import { ScaffoldError } from '../../sdk/scaffold.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** A folder shipped next to the bundle (dist/ -> ../x) or the sources (cli/commands -> ../../x). */
function shipped(name: string, probe: string): string {
  for (const c of [join(here, '..', name), join(here, '../..', name)]) if (existsSync(join(c, probe))) return resolve(c);
  throw new Error(`cannot find the ${name} folder next to composable`);
}

/** The bundles to install in a container: one level up from this file when bundled (it is a
 *  chunk in dist/cli/), else dist/. */
function bundles(): { generator: string; cli: string } {
  for (const d of [join(here, '..'), join(here, '../../dist')]) {
    if (existsSync(join(d, 'composable-generator.cjs')) && existsSync(join(d, 'composable.mjs')))
      return { generator: join(d, 'composable-generator.cjs'), cli: join(d, 'composable.mjs') };
  }
  throw new Error('the generator bundle is missing: run `npm run build`');
}

export function renderTree(files: readonly OutputFile[]): string {
  return files.map((f) => (f.kind === 'file' ? `  ${f.path}` : `  ${f.path} -> ${f.target}`)).join('\n');
}

export function renderStartOrder(status: Status): string {
  const order = [TARGETS.early, TARGETS.default, TARGETS.late];
  const lines: string[] = [];
  for (const target of order) {
    const services = status.services.filter((s) => s.state === 'enabled' && s.target === target);
    lines.push(`${target}`);
    for (const s of services) lines.push(`  ├─ ${s.name} ${s.version}: ${(s.enabled ?? []).join(', ')}`);
    if (target !== TARGETS.late) lines.push('  │', '  ▼');
  }
  for (const s of status.services.filter((x) => x.state === 'enabled' && !order.includes(x.target as (typeof order)[number])))
    lines.push(`${s.target}: ${s.name}`);
  return lines.join('\n');
}

async function canBoot(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  for (const cmd of ['systemd-nspawn', 'debootstrap']) {
    const r = await execa('sh', ['-c', `command -v ${cmd}`], { reject: false });
    if (r.exitCode !== 0) return `${cmd} is not installed`;
  }
  return undefined;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole flow on the shipped examples: pack, store, metadata, generated units, start-up order, status; boots them for real when it can',
    )
    .option('--boot', 'also boot a real systemd container with them (needs root, systemd-nspawn, debootstrap)')
    .option('--no-boot', 'never boot, even when it could')
    .option('--keep', 'keep the temporary directory and print its path')
    .action(async (opts: { boot?: boolean; keep?: boolean }) => {
      const examples = shipped('examples', 'metadata.json');
      const metadata = JSON.parse(readFileSync(join(examples, 'metadata.json'), 'utf8')) as {
        schemaVersion: 1;
        services: { name: string; source: string; digest?: string }[];
      };
      const work = mkdtempSync(join(tmpdir(), 'composable-demo-'));
      const root = join(work, 'root');
      const out = join(root, 'run/systemd/generator');
      mkdirSync(out, { recursive: true });
      const say = (s: string): void => void process.stdout.write(`${s}\n`);
      try {
        say(`== 1. Packages (from ${examples}), packed as a team would`);
        for (const svc of [...metadata.services]) {
          let dir = join(examples, svc.name);
          // A chroot example is kept in git without its busybox and empty mount points (git holds
          // neither); a copy is completed the way `composable init --complete-chroot` does.
          if (loadPackage(dir).package?.manifest.mode === 'chroot') {
            const copy = join(work, 'src', svc.name);
            cpSync(dir, copy, { recursive: true });
            try {
              completeChrootPackage(copy);
            } catch (e) {
              if (!(e instanceof ScaffoldError)) throw e;
              say(`  ${svc.name}: left out: ${e.message}`);
              metadata.services.splice(metadata.services.indexOf(svc), 1);
              continue;
            }
            dir = copy;
          }
          const { package: pkg, problems } = loadPackage(dir);
          if (!pkg) {
            for (const p of problems) say(`  ${svc.name}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
            continue;
          }
          const m = pkg.manifest;
          const artifact = await packPackage(dir, join(work, `${m.name}-${m.version}.tar.gz`), 'tar.gz');
          say(
            `  ${m.name} ${m.version}  target=${m.target ?? 'default'} mode=${m.mode} profile=${m.profile}  units: ${pkg.units.map((u) => u.name).join(' ')}`,
          );
          say(`    ${artifact.artifact.slice(work.length + 1)}  sha256:${artifact.sha256.slice(0, 16)}…`);
          // As the agent does: unpack into the store, record the package's digest in the metadata.
          const storeDir = hostPath(svc.source, root);
          mkdirSync(storeDir, { recursive: true });
          await execa('tar', ['-xpf', artifact.artifact, '-C', storeDir], { timeout: 60_000 });
          svc.digest = packageDigest(storeDir);
        }
        writeMetadata(dirname(hostPath(METADATA_PATH, root)), metadata);
        say(`\n== 2. Agent wrote ${METADATA_PATH} (with digests) and the store ${STORE_ROOT}/`);
        const { plan, ok } = runGenerator({ root, outDir: out, logger: { log: () => {} }, writeStatusFile: true });
        say('\n== 3. composable-generator wrote /run/systemd/generator/:');
        say(renderTree(plan.files));
        say('\n== 4. Start-up order (shutdown runs in reverse):');
        say(renderStartOrder(plan.status));
        say('\n== 5. /run/composable/status.json:');
        for (const s of plan.status.services) {
          say(
            s.state === 'enabled'
              ? `  ${s.name}: enabled (${(s.enabled ?? []).join(', ')}) at ${s.where} from ${s.mount}`
              : `  ${s.name}: skipped`,
          );
          for (const r of s.reasons ?? []) say(`    ${describeReason(r)}`);
        }
        const why = await canBoot();
        const boot = opts.boot === true || (opts.boot !== false && why === undefined);
        if (boot && why) {
          say(`\ncannot boot: ${why}`);
          process.exitCode = 1;
          return;
        }
        if (!boot) {
          say(
            `\n(not booting a container: ${opts.boot === false ? '--no-boot' : why}; as root with systemd-nspawn and debootstrap, composable demo --boot shows them running)`,
          );
        } else {
          say(
            '\n== 6. Booting a real systemd container with them (a Debian root is built once with debootstrap; later boots take about a second)...',
          );
          await ensureRootfs();
          const { generator, cli } = bundles();
          const b = await bootContainer({
            generator,
            cli,
            metadata,
            packages: metadata.services.map((s) => ({ dir: hostPath(s.source, root), storeName: s.source.split('/').pop()! })),
            probe: `for i in $(seq 1 50); do [ "$(systemctl show -p ActiveState --value health.service)" = active ] && [ "$(systemctl show -p ActiveState --value heartbeat.service)" = active ] && [ "$(systemctl show -p SubState --value cleanup.timer)" = waiting ] && break; sleep 0.1; done
sleep 0.5
NO_COLOR=1 composable status > /results/status 2>&1 || true
node -e 'require("http").get("http://127.0.0.1:8081/healthz", r => { let b = ""; r.on("data", d => b += d); r.on("end", () => { require("fs").writeFileSync("/results/healthz", r.statusCode + " " + b) }) }).on("error", e => require("fs").writeFileSync("/results/healthz", "error " + e.message))'
`,
            timeoutMs: 60_000,
          });
          try {
            if (b.timedOut) throw new Error(`the container did not finish booting in time:\n${b.console.slice(-2000)}`);
            say('\n  composable status, inside the container:');
            say(
              b
                .read('status')
                .trimEnd()
                .split('\n')
                .map((l) => `    ${l}`)
                .join('\n'),
            );
            say(`\n  GET http://127.0.0.1:8081/healthz from inside: ${b.read('healthz').trim()}`);
          } finally {
            b.cleanup();
          }
        }
        say(ok ? '\nAll services generated.' : '\nSome services were skipped (see above).');
        if (opts.keep) say(`\nKept ${work}`);
        process.exitCode = ok ? 0 : 1;
      } finally {
        if (!opts.keep) rmSync(work, { recursive: true, force: true });
      }
    });
}
