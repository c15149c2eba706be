// composable podman --metadata FILE [--package NAME=PATH]... [--credential SERVICE/NAME=FILE]...
//   [--name NAME] [--run-dir DIR] [--image IMAGE] [--json | --run] [-- PODMAN_OPTIONS... [IMAGE [COMMAND...]]]
// Prints (or runs) the `podman run` that starts a systemd container with the metadata's
// packages mounted by podman at their stable paths (docs/engines.md, "podman").
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { CONTAINER_NAME_PATTERN, formatCommand, planPodmanRun } from '../../host/podman/plan-podman-run.ts';
import {
  PODMAN_RUN_BASE,
  PodmanInputError,
  parsePairs,
  readMetadataFile,
  resolvePackages,
  writeRunDir,
} from '../../host/podman/podman-run-io.ts';

interface Options {
  metadata: string;
  package: string[];
  credential: string[];
  name?: string;
  runDir: string;
  image?: string;
  json?: boolean;
  run?: boolean;
}

const collect = (v: string, all: string[]): string[] => [...all, v];

export function register(program: Command): void {
  program
    .command('podman')
    .description('print or run the `podman run` for a systemd container with composable packages mounted by podman (docs/engines.md)')
    .requiredOption('--metadata <file>', 'metadata JSON (docs/contract.md); sources are rewritten to the stable paths')
    .option(
      '--package <name=path>',
      "a service's package: its directory, an OCI archive or layout, or image:REF (default: the service's source as a path here); repeatable",
      collect,
      [],
    )
    .option('--credential <service/name=file>', 'a secret the metadata names, read from FILE into a tmpfs; repeatable', collect, [])
    .option('--name <name>', "container name (default: the metadata's container.id)")
    .option('--run-dir <dir>', "host tmpfs directory for each container's metadata and credentials", PODMAN_RUN_BASE)
    .option('--image <image>', 'the container image (else give it after --)')
    .option('--json', 'print the command as a JSON array')
    .option('--run', 'run podman instead of printing the command')
    .argument('[podman-args...]', 'after --: podman run options, then the image and its command, passed through as given')
    .action(async (podmanArgs: string[], opts: Options) => {
      try {
        const metadata = readMetadataFile(opts.metadata);
        const problems: string[] = [];
        const packageSpecs = parsePairs(opts.package, '--package', problems);
        const credentials = parsePairs(opts.credential, '--credential', problems);
        const containerName = opts.name ?? metadata.container?.id;
        if (containerName === undefined) problems.push(`${opts.metadata}: no container.id; pass --name NAME`);
        else if (opts.name === undefined && !CONTAINER_NAME_PATTERN.test(containerName))
          problems.push(`${opts.metadata}: container.id ${JSON.stringify(containerName)} is not a podman container name; pass --name NAME`);
        if (problems.length > 0) throw new PodmanInputError(problems);
        const packages = await resolvePackages(metadata, packageSpecs, process.cwd());
        const runDir = join(resolve(opts.runDir), containerName!);
        const planned = planPodmanRun({
          metadata,
          packages,
          containerName: containerName!,
          runDir,
          credentials: Object.fromEntries(Object.entries(credentials).map(([k, f]) => [k, resolve(f)])),
          passthrough: podmanArgs,
          image: opts.image,
        });
        if (!planned.ok) throw new PodmanInputError(planned.problems);
        // The printed command names the run directory's files, so it is written either way.
        writeRunDir(planned.plan, runDir);
        if (opts.run) {
          // No time limit: a container in the foreground runs as long as its user wants.
          const r = await execa('podman', planned.plan.args, { stdio: 'inherit', reject: false });
          if (r.exitCode === undefined) process.stderr.write(`composable podman: cannot run podman: ${r.shortMessage}\n`);
          process.exitCode = r.exitCode ?? 1;
          return;
        }
        process.stdout.write(opts.json ? `${JSON.stringify(['podman', ...planned.plan.args])}\n` : `${formatCommand(planned.plan.args)}\n`);
      } catch (e) {
        if (!(e instanceof PodmanInputError)) throw e;
        for (const p of e.problems) process.stderr.write(`composable podman: ${p}\n`);
        process.exitCode = 1;
      }
    });
}
