// `composable podman --render`: the units the generator would write inside the container, rendered
// here before `podman run` with the same reader and planner (host/render/render.ts). The container
// is staged as its generator will see it: the metadata file podman binds (the same bytes, whose
// digest the sh generator checks at boot) and each package at its stable path, copied from its
// directory or from the image podman mounts (`podman image mount`, which needs root or
// `podman unshare`). Copies, not links: the reader resolves links inside the staged root, as the
// generator does inside the container, and a link out of it would be refused.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { METADATA_PATH, stablePath } from '../../sdk/contract.ts';
import type { ContainerCapabilities } from '../../generator/input/capabilities.ts';
import { type Render, renderFromRoot } from '../render/render.ts';
import { writeRender } from '../render/write-render.ts';
import type { PodmanPackage, PodmanPlan } from './plan-podman-run.ts';
import { PodmanInputError } from './podman-run-io.ts';

/** A package image's tree on this host, for as long as `release` is not called. */
async function mountImage(pkg: Extract<PodmanPackage, { kind: 'image' }>): Promise<{ path: string; release: () => Promise<void> }> {
  const r = await execa('podman', ['image', 'mount', pkg.image], { reject: false, all: true, timeout: 60_000, stdin: 'ignore' });
  if (r.exitCode !== 0 || r.stdout.trim() === '') {
    throw new PodmanInputError([
      `package ${pkg.name}: cannot read image ${pkg.image} to render its units (podman image mount: ${(r.all ?? '').trim()}); ` +
        'run as root or under `podman unshare`, or pass the package directory with --package',
    ]);
  }
  return {
    path: r.stdout.trim(),
    release: async () => {
      await execa('podman', ['image', 'unmount', pkg.image], { reject: false, timeout: 60_000, stdin: 'ignore' });
    },
  };
}

/**
 * Render the plan's container into `plan.renderDir` (written whole, then renamed into place) and
 * return the render. `metadataFile` is the file the plan binds, already written (writeRunDir).
 */
export async function renderForPodman(
  plan: PodmanPlan,
  packages: readonly PodmanPackage[],
  capabilities: ContainerCapabilities,
): Promise<Render> {
  if (plan.renderDir === undefined) throw new Error('renderForPodman: the plan renders nothing');
  const stage = mkdtempSync(join(tmpdir(), 'composable-podman-render-'));
  try {
    mkdirSync(join(stage, METADATA_PATH, '..'), { recursive: true });
    cpSync(plan.metadataFile, join(stage, METADATA_PATH));
    for (const s of plan.metadata.services) {
      const pkg = packages.find((p) => p.name === s.name);
      if (!pkg) continue;
      const target = join(stage, stablePath(s.name));
      mkdirSync(join(target, '..'), { recursive: true });
      if (pkg.kind === 'directory') {
        cpSync(pkg.path, target, { recursive: true, verbatimSymlinks: true });
        continue;
      }
      const mounted = await mountImage(pkg);
      try {
        cpSync(mounted.path, target, { recursive: true, verbatimSymlinks: true });
      } finally {
        await mounted.release();
      }
    }
    const render = renderFromRoot({ root: stage, capabilities });
    writeRender(plan.renderDir, render);
    return render;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
