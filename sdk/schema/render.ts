// render.json: the manifest of a unit tree the host rendered ahead of time (`composable render`).
// What the plan was made from (the metadata's digest, the packages), by which planner, and what
// it assumed of the container; render.checks says the same assumptions in a form POSIX sh reads.
import * as z from 'zod/mini';
import { AbsolutePath, Digest, ServiceName } from './common.ts';

const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits (a sha256)'));

/** One thing the plan depended on, cheap to check in the container with coreutils. */
export const RenderAssumptionSchema = z.union([
  /** The file has exactly this content (the metadata the plan was made from). */
  z.strictObject({ kind: z.literal('sha256'), path: AbsolutePath, sha256: Sha256Hex }),
  /** Something is there (a package source the planner read). */
  z.strictObject({ kind: z.literal('present'), path: AbsolutePath }),
  /** A directory is there (a package the engine mounts at its stable path). */
  z.strictObject({ kind: z.literal('dir'), path: AbsolutePath }),
  /** Nothing is there (no unit of the container under a name the render writes). */
  z.strictObject({ kind: z.literal('absent'), path: AbsolutePath }),
  /** The container has (1) or lacks (0) CAP_SYS_ADMIN, as the plan assumed. */
  z.strictObject({ kind: z.literal('cap-sys-admin'), value: z.union([z.literal(0), z.literal(1)]) }),
]);

export const RenderManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  planner: z.strictObject({ name: z.string(), version: z.string() }),
  metadata: z.strictObject({ path: AbsolutePath, sha256: Sha256Hex }),
  packages: z.array(
    z.strictObject({
      name: ServiceName,
      source: AbsolutePath,
      /** The package digest the metadata pinned, when it did. */
      digest: z.optional(Digest),
    }),
  ),
  assumptions: z.array(RenderAssumptionSchema),
  /** Every path below units/, sorted. */
  files: z.array(z.string()),
});

export type RenderAssumption = z.infer<typeof RenderAssumptionSchema>;
export type RenderManifest = z.infer<typeof RenderManifestSchema>;
