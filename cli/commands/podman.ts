// composable podman --metadata FILE [--package NAME=PATH]... [--credential SERVICE/NAME=FILE]...
//   [--name NAME] [--run-dir DIR] [--image IMAGE] [--render] [--json | --run]
//   [-- PODMAN_OPTIONS... [IMAGE [COMMAND...]]]
// Prints (or runs) the `podman run` that starts a systemd container with the metadata's
// packages mounted by podman at their stable paths (docs/engines.md, "podman"). With --render
// the units are rendered here and a node-free generator installs them: the image needs no node.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CONTAINER_NAME_PATTERN, formatCommand, planPodmanRun, podmanCapabilities } from '../../host/podman/plan-podman-run.ts';
import { renderForPodman } from '../../host/podman/podman-render.ts';
import { RenderError } from '../../host/render/render.ts';
import {
  PODMAN_RUN_BASE,
  PodmanInputError,
  parsePairs,
  readMetadataFile,
  resolvePackages,
  writeRunDir,
} from '../../host/podman/podman-run-io.ts';
import { EXIT, readableFile, readablePath } from '../input-error.ts';

interface Options {
  metadata: string;
  package: string[];
  credential: string[];
  name?: string;
  runDir: string;
  image?: string;
  json?: boolean;
  run?: boolean;
  render?: boolean;
}

/** dist/composable-generator.sh: beside the bundle (this is a chunk in dist/cli/), or in dist/ from the sources. */
function shGenerator(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, '..'), join(here, '../../dist')]) {
    const file = join(d, 'composable-generator.sh');
    if (existsSync(file)) return resolve(file);
  }
  throw new PodmanInputError(['the node-free generator (dist/composable-generator.sh) is missing: run `npm run build`']);
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
    .option('--render', 'render the units here and install the node-free generator: the image needs no node (docs/engines.md)')
    .option('--json', 'print the command as a JSON array')
    .option('--run', 'run podman instead of printing the command')
    .argument('[podman-args...]', 'after --: podman run options, then the image and its command, passed through as given')
    .action(async (podmanArgs: string[], opts: Options) => {
      readableFile(opts.metadata);
      try {
        const metadata = readMetadataFile(opts.metadata);
        const problems: string[] = [];
        const packageSpecs = parsePairs(opts.package, '--package', problems);
        const credentials = parsePairs(opts.credential, '--credential', problems);
        // The paths given are checked before anything is planned or written (a service's default
        // source is another matter: resolvePackages says to pass --package for it).
        for (const spec of Object.values(packageSpecs)) if (!spec.startsWith('image:')) readablePath(spec);
        for (const file of Object.values(credentials)) readableFile(file);
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
          ...(opts.render ? { renderGenerator: shGenerator() } : {}),
        });
        if (!planned.ok) throw new PodmanInputError(planned.problems);
        // The printed command names the run directory's files, so it is written either way.
        writeRunDir(planned.plan, runDir);
        if (opts.render) {
          const effective = podmanCapabilities(podmanArgs);
          const render = await renderForPodman(planned.plan, packages, { source: 'podman run options', effective });
          for (const s of render.status.services.filter((x) => x.state === 'skipped'))
            for (const r of s.reasons ?? []) process.stderr.write(`composable podman: ${s.name} skipped: ${r.message} [${r.code}]\n`);
        }
        if (opts.run) {
          // No time limit: a container in the foreground runs as long as its user wants.
          const r = await execa('podman', planned.plan.args, { stdio: 'inherit', reject: false });
          if (r.exitCode === undefined) process.stderr.write(`composable podman: cannot run podman: ${r.shortMessage}\n`);
          process.exitCode = r.exitCode ?? 1;
          return;
        }
        process.stdout.write(opts.json ? `${JSON.stringify(['podman', ...planned.plan.args])}\n` : `${formatCommand(planned.plan.args)}\n`);
      } catch (e) {
        if (e instanceof RenderError) {
          process.stderr.write(`composable podman: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        if (!(e instanceof PodmanInputError)) throw e;
        for (const p of e.problems) process.stderr.write(`composable podman: ${p}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
