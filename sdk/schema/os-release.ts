// The fields a composable package's usr/lib/os-release carries (docs/contract.md, "Package").
// Other os-release(5) fields (PRETTY_NAME, HOME_URL, ...) are allowed and ignored; unknown
// COMPOSABLE_* fields are errors, so a typo cannot silently drop a setting.
import * as z from 'zod/mini';
import { ModeSchema, ProfileSchema, ServiceName, Target, Version } from './common.ts';

export const COMPOSABLE_FIELDS = ['COMPOSABLE_TARGET', 'COMPOSABLE_MODE', 'COMPOSABLE_PROFILE'] as const;

export const PackageOsReleaseSchema = z
  .looseObject({
    NAME: z.string().check(z.minLength(1, 'NAME must not be empty')),
    ID: ServiceName,
    VERSION_ID: Version,
    /** Space-separated unit-name prefixes (portablectl); defaults to ID. */
    PORTABLE_PREFIXES: z.optional(z.string()),
    COMPOSABLE_TARGET: z.optional(Target),
    COMPOSABLE_MODE: z.optional(ModeSchema),
    COMPOSABLE_PROFILE: z.optional(ProfileSchema),
  })
  .check(
    z.refine(
      (fields) => Object.keys(fields).every((k) => !k.startsWith('COMPOSABLE_') || (COMPOSABLE_FIELDS as readonly string[]).includes(k)),
      { message: `unknown COMPOSABLE_ field; known fields are ${COMPOSABLE_FIELDS.join(', ')}` },
    ),
  );

export type PackageOsRelease = z.infer<typeof PackageOsReleaseSchema>;
