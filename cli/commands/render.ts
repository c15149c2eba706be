// composable render --root DIR --out DIR — the generator's unit tree, rendered on the host ahead of
// time, with the manifest the node-free generator checks at boot (host/render/, docs/contract.md,
// "Rendered units").
import type { Command } from 'commander';
import { capabilityNames } from '../../generator/input/capabilities.ts';
import { RenderError, renderFromRoot } from '../../host/render/render.ts';
import { writeRender } from '../../host/render/write-render.ts';
import { readableDirectory } from '../input-error.ts';

export function register(program: Command): void {
  program
    .command('render')
    .description('render the units the generator would write for a container, for images without node')
    .requiredOption('--root <dir>', 'the container as its generator will see it: metadata, store and mounted packages below it')
    .requiredOption('--out <dir>', 'directory to write the render into (units/, status.json, render.json, render.checks)')
    .option(
      '--cap-eff <hex>',
      "the container's effective capability mask, as /proc/<pid>/status prints CapEff (default: read <root>/proc/self/status)",
    )
    .option('--json', 'print the manifest')
    .action((opts: { root: string; out: string; capEff?: string; json?: boolean }) => {
      readableDirectory(opts.root);
      let capabilities: ReturnType<typeof capabilityNames>;
      if (opts.capEff !== undefined) {
        capabilities = capabilityNames(opts.capEff);
        if (!capabilities) {
          process.stderr.write(`composable render: --cap-eff ${opts.capEff} is not a hexadecimal mask like 00000000a80425fb\n`);
          process.exitCode = 2;
          return;
        }
      }
      try {
        const render = renderFromRoot({
          root: opts.root,
          ...(capabilities ? { capabilities: { source: '--cap-eff', effective: capabilities } } : {}),
        });
        writeRender(opts.out, render);
        if (opts.json) process.stdout.write(`${JSON.stringify(render.manifest, null, 2)}\n`);
        const skipped = render.status.services.filter((s) => s.state === 'skipped');
        for (const s of skipped)
          for (const r of s.reasons ?? []) process.stderr.write(`composable render: ${s.name} skipped: ${r.message} [${r.code}]\n`);
        process.exitCode = skipped.length > 0 || render.status.metadata.state === 'invalid' ? 1 : 0;
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        process.stderr.write(`composable render: ${e.message}\n`);
        process.exitCode = 2;
      }
    });
}
