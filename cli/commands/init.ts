// composable init DIR --name NAME --template daemon|timer|oneshot|socket|log-shipper [--mode chroot]
// composable init DIR --complete-chroot: add what an existing chroot package lacks
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import {
  CHROOT_TEMPLATES,
  ScaffoldError,
  TEMPLATES,
  checkPackageName,
  existingPaths,
  planChrootCompletion,
  readUnitTexts,
  renderTemplate,
  writeChrootEntries,
  writeScaffold,
  type ChrootEntry,
  type PackageMode,
  type TemplateName,
} from '../../sdk/scaffold.ts';
import { readElf } from '../../sdk/artifact/elf.ts';
import { PORTABLE_NAME } from '../../host/portable.ts';
import { readableDirectory } from '../input-error.ts';

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

/** The static busybox to copy into a chroot package, and its applets (paths like `bin/sh`). */
export function busyboxRuntime(path: string): { from: string; applets: string[] } {
  const elf = existsSync(path) ? readElf(path) : undefined;
  if (!elf)
    throw new ScaffoldError(
      `${path}: no busybox there; chroot packages carry a static busybox as their shell: apt-get install busybox-static, or give --busybox PATH`,
    );
  if (elf.interpreter)
    throw new ScaffoldError(
      `${path} is dynamically linked (${elf.interpreter}); a chroot package needs a static busybox: ` +
        `apt-get install busybox-static, or give --busybox PATH`,
    );
  let list: string;
  try {
    list = execFileSync(path, ['--list-full'], { encoding: 'utf8', timeout: 10_000 });
  } catch (e) {
    throw new ScaffoldError(
      `${path} --list-full failed (${(e as Error).message.split('\n')[0]}); give --busybox PATH of a busybox for this machine`,
    );
  }
  return {
    from: path,
    applets: list
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

/** Copy an existing chroot package's missing pieces into it (demo, tests): see --complete-chroot. */
export function completeChrootPackage(dir: string, busybox = '/bin/busybox'): ChrootEntry[] {
  const entries = planChrootCompletion(existingPaths(dir), readUnitTexts(dir), busyboxRuntime(busybox));
  writeChrootEntries(dir, entries);
  return entries;
}

function describeEntries(entries: readonly ChrootEntry[]): string[] {
  const links = entries.filter((e) => e.kind === 'symlink');
  const lines = entries.filter((e) => e.kind !== 'symlink').map((e) => `  ${e.path}${e.kind === 'dir' ? '/' : ''}  (${e.why})`);
  if (links.length > 0)
    lines.push(
      `  ${links.length} busybox applet links (${links
        .slice(0, 4)
        .map((l) => l.path)
        .join(', ')}, ...)`,
    );
  return lines;
}

export function register(program: Command): void {
  program
    .command('init')
    .description(`create a package from a template (${TEMPLATES.join(', ')}), or complete a chroot package`)
    .argument('<dir>', 'directory for the new package')
    .option('--name <name>', 'package name (default: asked on a terminal)')
    .option('--template <template>', TEMPLATES.join('|'))
    .option(
      '--mode <mode>',
      `host, or chroot: the package runs in its own root, also under portablectl (templates ${CHROOT_TEMPLATES.join(', ')})`,
      'host',
    )
    .option('--busybox <path>', 'static busybox copied into chroot packages', '/bin/busybox')
    .option(
      '--complete-chroot',
      'add to the existing package in DIR what it needs to run in its own root (busybox, mount points, state directories); never overwrites',
    )
    .action(async (dir: string, opts: { name?: string; template?: string; mode: string; busybox: string; completeChroot?: boolean }) => {
      if (opts.mode !== 'host' && opts.mode !== 'chroot') {
        process.stderr.write(`composable init: --mode must be host or chroot, not "${opts.mode}"\n`);
        process.exitCode = 2;
        return;
      }
      const mode = opts.mode as PackageMode;
      if (opts.completeChroot) {
        if (opts.name || opts.template) {
          process.stderr.write('composable init: --complete-chroot works on an existing package; it takes no --name or --template\n');
          process.exitCode = 2;
          return;
        }
        readableDirectory(dir);
        if (!existsSync(join(dir, 'usr/lib/os-release'))) {
          process.stderr.write(
            `composable init: ${join(dir, 'usr/lib/os-release')} not found; --complete-chroot needs an existing package (make one with --template)\n`,
          );
          process.exitCode = 2;
          return;
        }
        try {
          const entries = completeChrootPackage(dir, opts.busybox);
          process.stdout.write(
            entries.length === 0
              ? `${dir} has everything a chroot package needs\n`
              : `added to ${dir}:\n${describeEntries(entries).join('\n')}\n`,
          );
        } catch (e) {
          if (!(e instanceof ScaffoldError)) throw e;
          process.stderr.write(`composable init: ${e.message}\n`);
          process.exitCode = 1;
        }
        return;
      }
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
      if (mode === 'chroot' && !PORTABLE_NAME.test(name)) {
        process.stderr.write(
          `composable init: "${name}" cannot name a chroot package: it is also a portable image, and ` +
            `portablectl takes only letters, digits, - and . in its name (it cuts names at _ and refuses :); ` +
            `try ${name.replace(/[^A-Za-z0-9.-]/g, '-')}\n`,
        );
        process.exitCode = 2;
        return;
      }
      if (mode === 'chroot' && !CHROOT_TEMPLATES.includes(template as TemplateName)) {
        process.stderr.write(
          `composable init: the ${template} template is a node program, which a chroot package would have to carry with its libraries; ` +
            `use --mode chroot with ${CHROOT_TEMPLATES.join(', ')}, or host mode\n`,
        );
        process.exitCode = 2;
        return;
      }
      try {
        const files = renderTemplate(templatesDir(), template as TemplateName, name, mode);
        // Everything is planned (and busybox checked) before the first file is written.
        const chroot =
          mode === 'chroot'
            ? planChrootCompletion(
                new Set(files.flatMap((f) => ancestorsAndSelf(f.path))),
                files.filter((f) => f.path.startsWith('usr/lib/systemd/system/')).map((f) => f.content.toString('utf8')),
                busyboxRuntime(opts.busybox),
              )
            : [];
        const blocking = chroot.filter((e) => existsSync(join(dir, e.path))).map((e) => e.path);
        if (blocking.length > 0) throw new ScaffoldError(`not overwriting existing files in ${dir}: ${blocking.join(', ')}`);
        const written = writeScaffold(dir, files);
        writeChrootEntries(dir, chroot);
        const lines = [...written.map((f) => `  ${f}`), ...describeEntries(chroot)];
        process.stdout.write(
          `created ${name} (${template}${mode === 'chroot' ? ', chroot mode' : ''}) in ${dir}:\n${lines.join('\n')}\nnext: composable lint ${dir} && composable test ${dir}\n`,
        );
      } catch (e) {
        if (!(e instanceof ScaffoldError)) throw e;
        process.stderr.write(`composable init: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`: the paths a planned file implies. */
function ancestorsAndSelf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
