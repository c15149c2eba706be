// composable init DIR --name NAME --template daemon|timer|oneshot|socket|log-shipper
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { ScaffoldError, TEMPLATES, checkPackageName, renderTemplate, writeScaffold, type TemplateName } from '../../sdk/scaffold.ts';

/** templates/ next to the bundle (dist/ -> ../templates) or the sources (cli/commands -> ../../templates). */
function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [join(here, '../templates'), join(here, '../../templates')]) if (existsSync(join(c, 'daemon'))) return resolve(c);
  throw new ScaffoldError('cannot find the templates folder next to composable');
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('init')
    .description(`create a package from a template (${TEMPLATES.join(', ')})`)
    .argument('<dir>', 'directory for the new package')
    .option('--name <name>', 'package name (default: asked on a terminal)')
    .option('--template <template>', TEMPLATES.join('|'))
    .action(async (dir: string, opts: { name?: string; template?: string }) => {
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
      let { name, template } = opts;
      if ((!name || !template) && !interactive) {
        process.stderr.write(`composable init: give --name NAME and --template ${TEMPLATES.join('|')} (no terminal to ask on)\n`);
        process.exitCode = 2;
        return;
      }
      name ??= await ask('package name: ');
      template ??= await ask(`template (${TEMPLATES.join(', ')}): `);
      const nameProblem = checkPackageName(name);
      if (nameProblem) {
        process.stderr.write(`composable init: ${nameProblem}\n`);
        process.exitCode = 2;
        return;
      }
      if (!(TEMPLATES as readonly string[]).includes(template)) {
        process.stderr.write(`composable init: unknown template "${template}"; choose one of ${TEMPLATES.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const written = writeScaffold(dir, renderTemplate(templatesDir(), template as TemplateName, name));
        process.stdout.write(`created ${name} (${template}) in ${dir}:\n${written.map((f) => `  ${f}`).join('\n')}\nnext: composable lint ${dir} && composable test ${dir}\n`);
      } catch (e) {
        if (!(e instanceof ScaffoldError)) throw e;
        process.stderr.write(`composable init: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}
