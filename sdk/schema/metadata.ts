// Metadata v1: what the host agent writes to /run/composable/metadata.json before PID 1 starts.
import * as z from 'zod/mini';
import {
  AbsolutePath,
  Capability,
  CREDENTIAL_NAME_PATTERN,
  LONE_SURROGATE,
  Digest,
  ENV_NAME_PATTERN,
  ModeSchema,
  namedRecord,
  ProfileSchema,
  ServiceName,
  Target,
  USER_PATTERN,
  UnitName,
  Version,
} from './common.ts';

export const ServiceSchema = z.strictObject({
  name: ServiceName,
  source: AbsolutePath,
  version: z.optional(Version),
  digest: z.optional(Digest),
  mode: z.optional(ModeSchema),
  target: z.optional(Target),
  units: z.optional(z.array(UnitName)),
  after: z.optional(z.array(ServiceName)),
  environment: z.optional(
    namedRecord(
      z.string().check(z.regex(ENV_NAME_PATTERN, 'environment variable names are [A-Za-z_][A-Za-z0-9_]*')),
      // NUL cannot be passed through Environment=, nor a lone surrogate (not UTF-8); everything
      // else is escaped by the generator, and a value too long for one unit-file line skips the
      // service (unit-value-unsafe).
      z.string().check(
        z.regex(/^[^\0]*$/, 'must not contain NUL'),
        z.refine((s: string) => !LONE_SURROGATE.test(s), 'must be valid UTF-8 (it holds a lone UTF-16 surrogate)'),
      ),
    ),
  ),
  credentials: z.optional(
    namedRecord(z.string().check(z.regex(CREDENTIAL_NAME_PATTERN, 'credential names are file names: A-Z a-z 0-9 _ . -')), AbsolutePath),
  ),
  user: z.optional(
    z
      .string()
      .check(
        z.regex(
          USER_PATTERN,
          'must be a user name ([a-z_][a-z0-9_-]*, at most 31 characters) or a numeric uid from 0 to 4294967294 other than 65535',
        ),
      ),
  ),
  capabilities: z.optional(z.array(Capability)),
  profile: z.optional(ProfileSchema),
});

export const MetadataSchema = z.strictObject({
  schemaVersion: z.literal(1),
  container: z.optional(
    z.strictObject({
      id: z.optional(z.string()),
      labels: z.optional(namedRecord(z.string(), z.string())),
    }),
  ),
  services: z.array(ServiceSchema),
});

export type ServiceSpec = z.infer<typeof ServiceSchema>;
export type Metadata = z.infer<typeof MetadataSchema>;
