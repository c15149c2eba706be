// Status: what the generator writes to /run/composable/status.json on every run.
import * as z from 'zod/mini';
import { ModeSchema, ProfileSchema, UnitName } from './common.ts';

export const ReasonSchema = z.strictObject({
  /** Stable machine-readable code, e.g. `source-missing`, `unit-parse-error`. */
  code: z.string(),
  message: z.string(),
  file: z.optional(z.string()),
  line: z.optional(z.number()),
  column: z.optional(z.number()),
});

export const ServiceStatusSchema = z.strictObject({
  name: z.string(),
  state: z.enum(['enabled', 'skipped']),
  version: z.optional(z.string()),
  source: z.optional(z.string()),
  target: z.optional(z.string()),
  mode: z.optional(ModeSchema),
  profile: z.optional(ProfileSchema),
  /** `engine`: the container engine mounted the package at its stable path before boot (no
   *  `mount`); `generator`: the generator's .mount unit `mount` does. */
  mountedBy: z.optional(z.enum(['engine', 'generator'])),
  mount: z.optional(z.string()),
  where: z.optional(z.string()),
  /** Set when the profile runs in its unprivileged variant: the directives left out and why. */
  sandbox: z.optional(
    z.strictObject({
      variant: z.literal('unprivileged'),
      /** Profile directives the generator left out of the drop-in (`ProtectSystem=full`). */
      dropped: z.array(z.string()),
      /** The package's own settings systemd starts the service without (`<file>:<line> Key=value`). */
      ignored: z.optional(z.array(z.string())),
      message: z.string(),
    }),
  ),
  units: z.optional(z.array(UnitName)),
  enabled: z.optional(z.array(UnitName)),
  reasons: z.optional(z.array(ReasonSchema)),
});

export const StatusSchema = z.strictObject({
  schemaVersion: z.literal(1),
  generator: z.strictObject({ name: z.string(), version: z.string() }),
  metadata: z.strictObject({
    path: z.string(),
    state: z.enum(['ok', 'absent', 'invalid']),
    reasons: z.optional(z.array(ReasonSchema)),
  }),
  services: z.array(ServiceStatusSchema),
});

export type Reason = z.infer<typeof ReasonSchema>;
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;
export type Status = z.infer<typeof StatusSchema>;
