// `composable kube --render`: the units the generator would write inside the pod, rendered here
// with the same reader and planner (host/render/render.ts). The pod is staged as its generator
// will see it: /run/composable/metadata.json holding exactly the bytes of the metadata ConfigMap
// (the sh generator compares their sha256 at boot) and each package at its stable path, where the
// kubelet mounts its image volume: copied from a package directory, or unpacked from the OCI
// archive or layout `composable pack` made (the image the pod pulls, so the render is of the very
// tree it mounts). Copies, not links: the reader resolves links inside the staged root, as the
// generator does inside the container. The pure part (ConfigMaps, volumes) is host/kube.ts.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { METADATA_PATH, stablePath } from '../sdk/contract.ts';
import { extractOciPackage, OciReadError } from '../sdk/artifact/oci-read.ts';
import type { ContainerCapabilities } from '../generator/input/capabilities.ts';
import { type Render, RenderError, renderFromRoot } from './render/render.ts';

/** Where a service's package tree is on this host: a package directory, or an OCI image made by `composable pack`. */
export type KubePackageTree = { kind: 'directory'; path: string } | { kind: 'oci'; path: string };

/**
 * Render the pod's units: `metadataText` is the ConfigMap's metadata.json, byte for byte; `trees`
 * has the tree of every service (the caller says which are missing). The staging root is removed
 * before this returns, whatever happens.
 */
export async function renderForKube(
  metadataText: string,
  trees: Record<string, KubePackageTree>,
  capabilities: ContainerCapabilities,
): Promise<Render> {
  const stage = mkdtempSync(join(tmpdir(), 'composable-kube-render-'));
  try {
    const metadataFile = join(stage, METADATA_PATH);
    mkdirSync(dirname(metadataFile), { recursive: true });
    writeFileSync(metadataFile, metadataText);
    for (const [service, tree] of Object.entries(trees)) {
      const target = join(stage, stablePath(service));
      mkdirSync(dirname(target), { recursive: true });
      if (tree.kind === 'directory') {
        cpSync(tree.path, target, { recursive: true, verbatimSymlinks: true });
        continue;
      }
      let extracted: Awaited<ReturnType<typeof extractOciPackage>>;
      try {
        extracted = await extractOciPackage(tree.path);
      } catch (e) {
        if (e instanceof OciReadError) throw new RenderError(`--package ${service}=${tree.path}: cannot unpack it to render: ${e.message}`);
        throw e;
      }
      try {
        cpSync(extracted.dir, target, { recursive: true, verbatimSymlinks: true });
      } finally {
        extracted.dispose();
      }
    }
    return renderFromRoot({ root: stage, capabilities });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
