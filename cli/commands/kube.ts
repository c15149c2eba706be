// composable kube --metadata FILE [--package NAME=image:REF|NAME=OCI]... [--registry PREFIX]
//   [--secret SERVICE=NAME]... [--name NAME] [--container NAME] [--container-image IMAGE]
//   [--render [--package-dir NAME=DIR]...] [--privileged | --cap-add CAP...]
// Prints the Kubernetes YAML that mounts a metadata selection's packages as image volumes
// (docs/engines.md, "Kubernetes"): a ConfigMap with the metadata, and either a complete
// Deployment (--container-image) or a patch for an existing one. Secret values never pass here.
// With --render the units are rendered here and shipped in ConfigMaps with the node-free
// generator: the image needs no node.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KubePackageTree, renderForKube } from '../../host/kube-render-io.ts';
import { RenderError, renderDocuments } from '../../host/render/render.ts';
import { stringify } from 'yaml';
import { validateMetadata } from '../../host/agent.ts';
import { ANNOTATION_DIGEST, ANNOTATION_NAME, ANNOTATION_VERSION, ociRepository, ociTag } from '../../sdk/artifact/oci-pack.ts';
import { OciReadError, readOciImage } from '../../sdk/artifact/oci-read.ts';
import {
  CONFIGMAP_KEY,
  isCapability,
  isDnsSubdomain,
  kubeCapabilities,
  kubeNameProblem,
  PULL_POLICIES,
  renderDeployment,
  renderDeploymentPatch,
  renderKube,
  renderUnitsForKube,
  withRenderedUnits,
  type KubeSecurity,
  type PullPolicy,
} from '../../host/kube.ts';
import { readableFile, readablePath } from '../input-error.ts';

interface Options {
  metadata: string;
  package: string[];
  registry?: string;
  pullPolicy: string;
  secret: string[];
  name?: string;
  container: string;
  containerImage?: string;
  runtimeClass?: string;
  pullSecret: string[];
  output: string;
  render?: boolean;
  packageDir: string[];
  privileged?: boolean;
  capAdd: string[];
}

/** dist/composable-generator.sh: beside the bundle (this is a chunk in dist/cli/), or in dist/ from the sources. */
function shGenerator(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, '..'), join(here, '../../dist')]) {
    const file = join(d, 'composable-generator.sh');
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  return undefined;
}

/**
 * The package tree of every service, for --render: its --package-dir, else the OCI image its
 * --package names (the tree the pod mounts); a service with neither is a problem saying so.
 */
function packageTrees(
  services: { name: string }[],
  specs: Record<string, string>,
  dirs: Record<string, string>,
  problems: string[],
): Record<string, KubePackageTree> {
  const trees: Record<string, KubePackageTree> = {};
  for (const s of services) {
    const dir = dirs[s.name];
    const spec = specs[s.name];
    const oci = spec !== undefined && !spec.startsWith('image:') ? spec : undefined;
    if (dir !== undefined && oci !== undefined) {
      problems.push(`--package-dir ${s.name}: --package ${s.name}=${oci} is an image whose tree is rendered already; drop one of them`);
    } else if (dir !== undefined) {
      if (!readablePath(dir).isDirectory())
        problems.push(`--package-dir ${s.name}=${dir}: not a directory; give the package directory packed into its image`);
      else trees[s.name] = { kind: 'directory', path: resolve(dir) };
    } else if (oci !== undefined) trees[s.name] = { kind: 'oci', path: resolve(oci) };
    else
      problems.push(
        `service ${s.name}: --render needs its package tree to render its units; pass --package-dir ${s.name}=DIR ` +
          `(the directory packed into its image) or --package ${s.name}=FILE (the OCI archive or layout composable pack made)`,
      );
  }
  return trees;
}

const OUTPUTS = ['all', 'configmap', 'workload'] as const;

const collect = (v: string, all: string[]): string[] => [...all, v];

class KubeInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** `NAME=VALUE` pairs of a repeatable option; a malformed or repeated one is a problem. */
function pairs(values: string[], option: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) {
      problems.push(`${option} ${JSON.stringify(v)}: expected NAME=VALUE`);
      continue;
    }
    const key = v.slice(0, eq);
    if (key in out) problems.push(`${option}: ${key} is given twice`);
    out[key] = v.slice(eq + 1);
  }
  return out;
}

/**
 * The image reference of each service: `image:REF` as given; an OCI layout or archive packed by
 * composable is pushed under `<registry>/composable/<name>` and pinned by its manifest digest;
 * otherwise `<registry>/composable/<name>:<version>`, the name `composable pack` gives it.
 */
function imageReferences(
  metadataFile: string,
  specs: Record<string, string>,
  registry: string | undefined,
  services: { name: string; version?: string; digest?: string }[],
  problems: string[],
): Record<string, string> {
  const refs: Record<string, string> = {};
  const prefix = registry?.replace(/\/+$/, '');
  for (const s of services) {
    const spec = specs[s.name];
    if (spec?.startsWith('image:')) {
      refs[s.name] = spec.slice('image:'.length);
      continue;
    }
    const repository = `${prefix}/composable/${ociRepository(s.name)}`;
    if (spec !== undefined) {
      if (!prefix) {
        problems.push(
          `--package ${s.name}=${spec}: an OCI image on disk needs --registry, the registry it is pushed ` +
            `to (skopeo copy oci-archive:${spec} docker://REGISTRY/composable/${s.name}:VERSION)`,
        );
        continue;
      }
      try {
        const image = readOciImage(resolve(spec));
        const declared = image.annotations[ANNOTATION_NAME];
        if (declared !== undefined && declared !== s.name) {
          problems.push(`--package ${s.name}=${spec}: the image holds package ${declared}, not ${s.name}`);
          continue;
        }
        // What the generator would check at boot, checked now: a mismatch would only skip the package there.
        const version = image.annotations[ANNOTATION_VERSION];
        if (s.version !== undefined && version !== undefined && version !== s.version) {
          problems.push(`--package ${s.name}=${spec}: the image is version ${version}, the metadata says ${s.version}`);
          continue;
        }
        const treeDigest = image.annotations[ANNOTATION_DIGEST];
        if (s.digest !== undefined && treeDigest !== undefined && treeDigest !== s.digest) {
          problems.push(`--package ${s.name}=${spec}: the image's package digest is ${treeDigest}, the metadata says ${s.digest}`);
          continue;
        }
        refs[s.name] = `${repository}@${image.manifestDigest}`;
      } catch (e) {
        if (!(e instanceof OciReadError)) throw e;
        problems.push(`--package ${s.name}=${spec}: ${e.message}`);
      }
      continue;
    }
    if (prefix && s.version) refs[s.name] = `${repository}:${ociTag(s.version)}`;
    else if (prefix)
      problems.push(
        `${metadataFile}: service ${s.name} has no version, so its image tag is unknown; add "version" or pass --package ${s.name}=image:REF`,
      );
  }
  return refs;
}

export function register(program: Command): void {
  program
    .command('kube')
    .description(
      "print Kubernetes YAML that mounts the metadata's packages as image volumes: a ConfigMap, and " +
        'a Deployment or a patch for one (docs/engines.md)',
    )
    .requiredOption('--metadata <file>', 'metadata JSON (docs/contract.md); sources are rewritten to the stable paths')
    .option(
      '--package <name=ref>',
      "a service's image: image:REF, or an OCI layout/archive made by composable pack (pinned by digest under --registry); repeatable",
      collect,
      [],
    )
    .option('--registry <prefix>', 'registry and path packages are pushed to: images default to PREFIX/composable/<name>:<version>')
    .option('--pull-policy <policy>', `image volume pull policy: ${PULL_POLICIES.join(', ')}`, 'IfNotPresent')
    .option(
      '--secret <service=name>',
      "the Secret holding a service's credentials (default <name>-<service>-credentials); repeatable",
      collect,
      [],
    )
    .option('--name <name>', "name of the Deployment (default: the metadata's container.id)")
    .option('--container <name>', 'the container that runs systemd', 'systemd')
    .option(
      '--container-image <image>',
      'print a complete Deployment running this image; without it, a patch for the existing Deployment --name',
    )
    .option(
      '--output <what>',
      `all (the ConfigMap, then the Deployment or patch), configmap or workload (the Deployment or patch alone)`,
      'all',
    )
    .option(
      '--pull-secret <name>',
      'imagePullSecrets of the Deployment, for a private registry (image volumes are pulled with them too); repeatable',
      collect,
      [],
    )
    .option(
      '--runtime-class <name>',
      'runtimeClassName of the Deployment (a handler that gives the container a writable cgroup; docs/engines.md)',
    )
    .option(
      '--render',
      'render the units here and ship them, with the node-free generator, in ConfigMaps: the image needs no node (docs/engines.md)',
    )
    .option(
      '--package-dir <name=dir>',
      "with --render: a service's package directory (the tree packed into its image), to render its units from; repeatable",
      collect,
      [],
    )
    .option('--privileged', 'run the container privileged (securityContext.privileged; every capability, CAP_SYS_ADMIN included)')
    .option(
      '--cap-add <cap>',
      'a capability for the container (securityContext.capabilities.add, e.g. SYS_ADMIN); the render plans for it; repeatable',
      collect,
      [],
    )
    .action(async (opts: Options) => {
      readableFile(opts.metadata);
      try {
        const problems: string[] = [];
        let raw: unknown;
        try {
          raw = JSON.parse(readFileSync(opts.metadata, 'utf8'));
        } catch (e) {
          throw new KubeInputError([
            `${opts.metadata}: cannot read it as JSON: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          ]);
        }
        const checked = validateMetadata(raw);
        if (!checked.ok) throw new KubeInputError(checked.problems.map((p) => `${opts.metadata}: ${p}`));
        const metadata = checked.metadata;
        for (const secret of opts.pullSecret) {
          const p = kubeNameProblem('--pull-secret', secret, 'subdomain', 'give the name of a Secret');
          if (p) problems.push(p);
        }
        if (opts.runtimeClass !== undefined) {
          const p = kubeNameProblem('--runtime-class', opts.runtimeClass, 'subdomain', 'give the name of a RuntimeClass');
          if (p) problems.push(p);
        }
        if (!(OUTPUTS as readonly string[]).includes(opts.output)) problems.push(`--output must be one of ${OUTPUTS.join(', ')}`);
        if (!(PULL_POLICIES as readonly string[]).includes(opts.pullPolicy))
          problems.push(`--pull-policy must be one of ${PULL_POLICIES.join(', ')}`);
        const name = opts.name ?? metadata.container?.id;
        if (name === undefined) problems.push(`${opts.metadata}: no container.id; pass --name NAME`);
        else if (opts.name === undefined && !isDnsSubdomain(name))
          problems.push(`${opts.metadata}: container.id ${JSON.stringify(name)} is not a Kubernetes name; pass --name NAME`);
        const specs = pairs(opts.package, '--package', problems);
        for (const spec of Object.values(specs)) if (!spec.startsWith('image:')) readablePath(spec);
        const secrets = pairs(opts.secret, '--secret', problems);
        const serviceNames = new Set(metadata.services.map((s) => s.name));
        for (const k of Object.keys(specs)) if (!serviceNames.has(k)) problems.push(`--package ${k}: not a service of ${opts.metadata}`);
        const images = imageReferences(opts.metadata, specs, opts.registry, metadata.services, problems);
        const dirs = pairs(opts.packageDir, '--package-dir', problems);
        for (const k of Object.keys(dirs)) if (!serviceNames.has(k)) problems.push(`--package-dir ${k}: not a service of ${opts.metadata}`);
        if (!opts.render && opts.packageDir.length > 0)
          problems.push('--package-dir is read only to render the units: add --render, or drop it');
        for (const c of opts.capAdd)
          if (!isCapability(c)) problems.push(`--cap-add ${JSON.stringify(c)}: not a Linux capability (e.g. SYS_ADMIN, NET_ADMIN)`);
        if (opts.privileged && opts.capAdd.length > 0)
          problems.push('--cap-add with --privileged: a privileged container has every capability; drop one of them');
        const trees = opts.render ? packageTrees(metadata.services, specs, dirs, problems) : {};
        const generatorScript = opts.render ? shGenerator() : undefined;
        if (opts.render && generatorScript === undefined)
          problems.push('the node-free generator (dist/composable-generator.sh) is missing: run `npm run build`');
        if (problems.length > 0) throw new KubeInputError(problems);
        const security: KubeSecurity = { privileged: opts.privileged === true, capAdd: opts.capAdd };

        const input = { metadata, name: name!, images, pullPolicy: opts.pullPolicy as PullPolicy, secrets, containerName: opts.container };
        const r = renderKube(input);
        if (!r.ok) throw new KubeInputError(r.problems);
        let kube = r.render;
        if (opts.render) {
          // The very bytes the ConfigMap carries: the sh generator compares their sha256 at boot.
          const render = await renderForKube(kube.configMap.data[CONFIGMAP_KEY]!, trees, {
            source: 'securityContext',
            effective: kubeCapabilities(security),
          });
          const units = renderUnitsForKube(input.name, { files: render.files, documents: renderDocuments(render) }, generatorScript!);
          if (!units.ok) throw new KubeInputError(units.problems);
          kube = withRenderedUnits(kube, units.units);
          for (const s of render.status.services.filter((x) => x.state === 'skipped'))
            for (const reason of s.reasons ?? [])
              process.stderr.write(`composable kube: ${s.name} skipped: ${reason.message} [${reason.code}]\n`);
        }
        const workload = opts.containerImage
          ? renderDeployment(kube, input, {
              image: opts.containerImage,
              runtimeClassName: opts.runtimeClass,
              imagePullSecrets: opts.pullSecret,
              security,
            })
          : renderDeploymentPatch(kube, input, security);
        const configMaps = [kube.configMap, ...(kube.unitConfigMaps ?? [])];
        const docs = opts.output === 'configmap' ? configMaps : opts.output === 'workload' ? [workload] : [...configMaps, workload];
        const yaml = docs.map((doc) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
        process.stdout.write(yaml);
        // What the platform must provide; names and keys only, never a value.
        for (const s of r.render.secrets) {
          process.stderr.write(
            `composable kube: ${s.service} reads its credentials from Secret ${s.secretName} (keys: ${s.keys.join(', ')}); ` +
              `create it, e.g. kubectl create secret generic ${s.secretName} ${s.keys.map((k) => `--from-file=${k}=FILE`).join(' ')}\n`,
          );
        }
        if (!opts.containerImage && opts.output === 'all') {
          process.stderr.write(
            `composable kube: no --container-image, so the second document patches the existing Deployment ` +
              `${name}: apply the ConfigMaps (--output configmap), then kubectl patch deployment ${name} --patch ` +
              `"$(composable kube ... --output workload)"\n`,
          );
        }
      } catch (e) {
        if (e instanceof RenderError) {
          process.stderr.write(`composable kube: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        if (!(e instanceof KubeInputError)) throw e;
        for (const p of e.problems) process.stderr.write(`composable kube: ${p}\n`);
        process.exitCode = 2;
      }
    });
}
