// The pure generator's inputs and outputs. The generator's edges (generator/read.ts,
// generator/write.ts) turn the filesystem into `GeneratorInput` and `GeneratorPlan` back into
// files, so everything in between is testable without a filesystem root.
import type { ComposablePackage, PackageProblem } from '../package.ts';
import type { Reason, Status } from '../schema/status.ts';
import type { ServiceSpec } from '../schema/metadata.ts';

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
  /** `directory` for a package tree, `image` for a squashfs/erofs image file. */
  sourceKind?: 'directory' | 'image';
  imageType?: 'squashfs' | 'erofs';
  pkg?: ComposablePackage;
  packageProblems: PackageProblem[];
  /** The package's content digest, computed only when the metadata asks for one. */
  digest?: string;
  /** Whether the package has a regular file at this path (relative to its root). */
  hasFile: (relPath: string) => boolean;
}

export interface GeneratorInput {
  metadata: MetadataInput;
  /** Read for each service named in valid metadata, in metadata order. */
  services: ServiceInput[];
  generatorVersion: string;
}

export type OutputFile =
  | { kind: 'file'; path: string; content: string }
  | { kind: 'symlink'; path: string; target: string };

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
}
