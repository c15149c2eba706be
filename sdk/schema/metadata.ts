// Metadata v1: what the host agent writes to /run/composable/metadata.json before PID 1 starts.
import * as z from 'zod/mini';
import {
  AbsolutePath, CAPABILITY_PATTERN, CREDENTIAL_NAME_PATTERN, Digest, ENV_NAME_PATTERN, ModeSchema, ProfileSchema,
  ServiceName, Target, USER_PATTERN, UnitName, Version,
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
    z.record(
      z.string().check(z.regex(ENV_NAME_PATTERN, 'environment variable names are [A-Za-z_][A-Za-z0-9_]*')),
      // NUL cannot be passed through Environment=; everything else is escaped by the generator.
      z.string().check(z.regex(/^[^\0]*$/, 'must not contain NUL')),
    ),
  ),
  credentials: z.optional(
    z.record(
      z.string().check(z.regex(CREDENTIAL_NAME_PATTERN, 'credential names are file names: A-Z a-z 0-9 _ . -')),
      AbsolutePath,
    ),
  ),
  user: z.optional(z.string().check(z.regex(USER_PATTERN, 'must be a user name ([a-z_][a-z0-9_-]*) or a numeric uid'))),
  capabilities: z.optional(z.array(z.string().check(z.regex(CAPABILITY_PATTERN, 'must be a capability name like CAP_NET_BIND_SERVICE')))),
  profile: z.optional(ProfileSchema),
});

export const MetadataSchema = z.strictObject({
  schemaVersion: z.literal(1),
  container: z.optional(
    z.strictObject({
      id: z.optional(z.string()),
      labels: z.optional(z.record(z.string(), z.string())),
    }),
  ),
  services: z.array(ServiceSchema),
});

export type ServiceSpec = z.infer<typeof ServiceSchema>;
export type Metadata = z.infer<typeof MetadataSchema>;
