// composable metadata validate FILE | write --from FILE [--root DIR]
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { METADATA_PATH, hostPath } from '../../sdk/contract.ts';
import { ContractError, validateMetadata, writeMetadata } from '../../host/agent.ts';
import { cannotRead, readableFile } from '../input-error.ts';

/** The JSON in `file`, or why it is not JSON; a file that cannot be read throws InputError. */
function readJson(file: string): { ok: true; value: unknown } | { ok: false; message: string } {
  readableFile(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `${file}: not valid JSON: ${(e as Error).message}` };
  }
}

export function register(program: Command): void {
  const metadata = program.command('metadata').description("validate and write the agent's metadata (docs/contract.md section 3)");
  metadata
    .command('validate')
    .description('check a metadata file against the contract; each error names its JSON path')
    .argument('<file>')
    .action((file: string) => {
      const json = readJson(file);
      if (!json.ok) {
        process.stderr.write(`${json.message}\n`);
        process.exitCode = 1;
        return;
      }
      const r = validateMetadata(json.value);
      if (r.ok) {
        process.stdout.write(`${file}: valid (${r.metadata.services.length} service${r.metadata.services.length === 1 ? '' : 's'})\n`);
        return;
      }
      for (const p of r.problems) process.stderr.write(`${file}: ${p}\n`);
      process.stderr.write(
        `${file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}; see docs/contract.md or \`composable schema metadata\`\n`,
      );
      process.exitCode = 1;
    });
  metadata
    .command('write')
    .description(`validate FILE and write it atomically to ${METADATA_PATH} below --root`)
    .requiredOption('--from <file>', 'metadata JSON to write')
    .option('--root <dir>', 'container root (default: $COMPOSABLE_ROOT or /)')
    .action((opts: { from: string; root?: string }) => {
      const json = readJson(opts.from);
      if (!json.ok) {
        process.stderr.write(`${json.message}\n`);
        process.exitCode = 1;
        return;
      }
      const target = hostPath(METADATA_PATH, opts.root ?? process.env.COMPOSABLE_ROOT ?? '/');
      try {
        writeMetadata(dirname(target), json.value);
      } catch (e) {
        if (!(e instanceof ContractError)) throw e;
        for (const p of e.problems) process.stderr.write(`${opts.from}: ${p}\n`);
        process.stderr.write(`${opts.from}: not written\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`wrote ${target}\n`);
    });
}
