// composable demo — the whole product on the shipped examples, offline: the examples are put in
// a store as an agent would, metadata is written, the generator runs, and the result is shown.
import type { Command } from 'commander';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METADATA_PATH, STORE_ROOT, TARGETS, hostPath } from '../../sdk/contract.ts';
import { loadPackage } from '../../sdk/package.ts';
import { atomicWriteFile } from '../../sdk/io/atomic-write.ts';
import type { OutputFile } from '../../sdk/plan/types.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { runGenerator, describeReason } from '../../generator/run.ts';

/** The examples folder: next to the bundle (dist/ -> ../examples) or the sources (cli/commands -> ../../examples). */
function examplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '../examples'), join(here, '../../examples')]) {
    try {
      readFileSync(join(candidate, 'metadata.json'));
      return resolve(candidate);
    } catch {
      /* next */
    }
  }
  throw new Error('cannot find the examples folder next to composable');
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
    if (target !== TARGETS.late) lines.push('  │');
    if (target !== TARGETS.late) lines.push('  ▼');
  }
  const other = status.services.filter((s) => s.state === 'enabled' && !order.includes(s.target as (typeof order)[number]));
  for (const s of other) lines.push(`${s.target}: ${s.name}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('show the whole flow on the shipped examples: store, metadata, generated units, start-up order, status')
    .option('--keep', 'keep the temporary container root and print its path')
    .action((opts: { keep?: boolean }) => {
      const examples = examplesDir();
      const metadata = JSON.parse(readFileSync(join(examples, 'metadata.json'), 'utf8')) as { services: { name: string; source: string }[] };
      const root = mkdtempSync(join(tmpdir(), 'composable-demo-'));
      const out = join(root, 'run/systemd/generator');
      mkdirSync(out, { recursive: true });
      const say = (s: string): void => void process.stdout.write(`${s}\n`);
      try {
        say(`== 1. Packages (from ${examples})`);
        for (const svc of metadata.services) {
          const { package: pkg, problems } = loadPackage(join(examples, svc.name));
          if (!pkg) {
            for (const p of problems) say(`  ${svc.name}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
            continue;
          }
          const m = pkg.manifest;
          say(`  ${m.name} ${m.version}  target=${m.target ?? 'default'} mode=${m.mode} profile=${m.profile}  units: ${pkg.units.map((u) => u.name).join(' ')}`);
          // As the agent does: each package read-only below the store root.
          cpSync(join(examples, svc.name), hostPath(svc.source, root), { recursive: true });
        }
        atomicWriteFile(hostPath(METADATA_PATH, root), readFileSync(join(examples, 'metadata.json')), { mkdirMode: 0o755 });
        say(`\n== 2. Agent wrote ${METADATA_PATH} and the store ${STORE_ROOT}/ (under ${root})`);
        const { plan, ok } = runGenerator({ root, outDir: out, logger: { log: () => {} }, writeStatusFile: true });
        say('\n== 3. composable-generator wrote /run/systemd/generator/:');
        say(renderTree(plan.files));
        say('\n== 4. Start-up order (shutdown runs in reverse):');
        say(renderStartOrder(plan.status));
        say('\n== 5. /run/composable/status.json:');
        for (const s of plan.status.services) {
          say(s.state === 'enabled' ? `  ${s.name}: enabled (${(s.enabled ?? []).join(', ')}) at ${s.where} from ${s.mount}` : `  ${s.name}: skipped`);
          for (const r of s.reasons ?? []) say(`    ${describeReason(r)}`);
        }
        say(ok ? '\nAll services generated.' : '\nSome services were skipped (see above).');
        if (opts.keep) say(`\nContainer root kept at ${root}`);
        process.exitCode = ok ? 0 : 1;
      } finally {
        if (!opts.keep) rmSync(root, { recursive: true, force: true });
      }
    });
}
