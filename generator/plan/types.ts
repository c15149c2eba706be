// The pure generator's inputs and outputs. The generator's edges (generator/input/read-input.ts,
// generator/output/write-tree.ts) turn the filesystem into `GeneratorInput` and `GeneratorPlan` back into
// files, so everything in between is testable without a filesystem root.
import type { ComposablePackage, PackageProblem } from '../../sdk/package.ts';
import type { Reason, Status } from '../../sdk/schema/status.ts';
import type { ServiceSpec } from '../../sdk/schema/metadata.ts';
import type { ContainerCapabilities } from '../input/capabilities.ts';
import type { PackagePathCheck } from './privileges.ts';

export type MetadataInput =
  | { state: 'absent'; path: string }
  | { state: 'invalid'; path: string; reasons: Reason[] }
  /** `reasons`: top-level problems that were ignored (an unknown key, a bad `container`). */
  | { state: 'ok'; path: string; reasons?: Reason[] };

/** What the reader found for one service of the metadata. */
export interface ServiceInput {
  spec: ServiceSpec;
  /** Problems found while resolving and reading the source (missing, outside the store, ...). */
  sourceReasons: Reason[];
  /** The container path the source resolved to (symlinks followed inside the container root). */
  resolvedSource?: string;
  /** `engine` when the source is the package's own stable path: the container engine mounted it
   *  there (podman --mount type=image, a Kubernetes image volume), so no .mount unit is written. */
  mountedBy?: 'engine' | 'generator';
  /** `directory` for a package tree, `image` for a squashfs/erofs image file. */
  sourceKind?: 'directory' | 'image';
  imageType?: 'squashfs' | 'erofs';
  pkg?: ComposablePackage;
  packageProblems: PackageProblem[];
  /** The package's content digest, computed only when the metadata asks for one. */
  digest?: string;
  /** Whether the package has a regular file at this path (relative to its root). */
  hasFile: (relPath: string) => boolean;
  /** Whether a package-relative path resolves inside the package, symlinks followed (the path
   *  directives' check, generator/plan/privileges.ts); absent: paths are checked as written. */
  resolveInPackage?: (relPath: string) => PackagePathCheck;
}

export interface GeneratorInput {
  metadata: MetadataInput;
  /** Read for each service named in valid metadata, in metadata order. */
  services: ServiceInput[];
  generatorVersion: string;
  /**
   * Units the container already has in its unit directories (generator/input/container-units.ts). A
   * package may not replace one, nor claim a prefix that covers one. Absent: not checked.
   */
  containerUnits?: ReadonlySet<string>;
  /** What the container may do (CapEff of /proc/self/status); undefined: unknown, every
   *  capability assumed. */
  capabilities?: ContainerCapabilities;
}

export type OutputFile = { kind: 'file'; path: string; content: string } | { kind: 'symlink'; path: string; target: string };

export interface GeneratorPlan {
  /** Paths relative to the generator's output directory, sorted. */
  files: OutputFile[];
  status: Status;
}

export interface ServiceSettings {
  name: string;
  version: string;
  where: string;
  target: string;
  mode: 'host' | 'chroot';
  profile: 'default' | 'strict' | 'trusted' | 'nonetwork';
  mountedBy: 'engine' | 'generator';
  /** `unprivileged`: the container cannot make mount namespaces (no CAP_SYS_ADMIN), so the
   *  profile's directives that need one are left out (docs/profiles.md). */
  sandbox: 'full' | 'unprivileged';
}
