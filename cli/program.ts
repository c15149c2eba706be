// composable's commands assembled with commander. Each command lives in cli/commands/<name>.ts and
// exports `register(program)`; this file only assembles them. Loaded by cli/main.ts.
//
// Commands are loaded lazily: the bundle puts each in its own chunk, and a run loads only the
// command it names (`composable lint ...` never compiles pack, demo or podman, nor the zod schemas
// they build). When the first argument is not a command name (`--help`, `help lint`, a typo, an
// option), every command is loaded, so the help lists them all and commander's suggestions see them.
import { Command } from 'commander';
import { VERSION } from '../sdk/version.ts';
import { reportError } from './input-error.ts';

interface CommandModule {
  register(program: Command): void;
}

/** Every command, in the order `composable --help` lists them. */
export const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  init: () => import('./commands/init.ts'),
  lint: () => import('./commands/lint.ts'),
  test: () => import('./commands/test.ts'),
  pack: () => import('./commands/pack.ts'),
  inspect: () => import('./commands/inspect.ts'),
  generate: () => import('./commands/generate.ts'),
  render: () => import('./commands/render.ts'),
  metadata: () => import('./commands/metadata.ts'),
  schema: () => import('./commands/schema.ts'),
  apply: () => import('./commands/apply.ts'),
  status: () => import('./commands/status.ts'),
  demo: () => import('./commands/demo.ts'),
  podman: () => import('./commands/podman.ts'),
  kube: () => import('./commands/kube.ts'),
};

/** The commands a command line needs registered: the one it names, or all of them. */
export function commandsFor(args: readonly string[]): string[] {
  const first = args[0];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

const program = new Command('composable')
  .description('Build, check and run composable services: sidecar packages for systemd containers')
  .version(VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

// Before the commands are added, so every subcommand inherits it: commander's own exits (help,
// version) are success, usage errors are exit 2.
program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});

try {
  const modules = await Promise.all(commandsFor(process.argv.slice(2)).map((name) => COMMANDS[name]!()));
  for (const command of modules) command.register(program);
  await program.parseAsync(process.argv);
} catch (e) {
  // The one place a command's InputError (a path it cannot read, docs/cli.md) is printed.
  process.exitCode = reportError(e);
}
