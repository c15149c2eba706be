// composable's commands assembled with commander. Each command lives in cli/commands/<name>.ts and
// exports `register(program)`; this file only assembles them. Loaded by cli/main.ts.
import { Command } from 'commander';
import { VERSION } from '../sdk/version.ts';
import * as generate from './commands/generate.ts';
import * as lint from './commands/lint.ts';
import * as demo from './commands/demo.ts';
import * as schema from './commands/schema.ts';
import * as metadata from './commands/metadata.ts';
import * as apply from './commands/apply.ts';
import * as status from './commands/status.ts';
import * as pack from './commands/pack.ts';
import * as inspect from './commands/inspect.ts';
import * as test from './commands/test.ts';
import * as init from './commands/init.ts';
import * as podman from './commands/podman.ts';
import * as kube from './commands/kube.ts';

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

for (const command of [init, lint, test, pack, inspect, generate, metadata, schema, apply, status, demo, podman, kube]) command.register(program);


try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`composable: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
