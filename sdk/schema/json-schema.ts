// JSON Schema (draft 2020-12) of the contract, for agents written in other languages.
import * as z from 'zod/mini';
import { MetadataSchema } from './metadata.ts';
import { StatusSchema } from './status.ts';
import { PackageOsReleaseSchema } from './os-release.ts';
import { RenderManifestSchema } from './render.ts';

export const SCHEMA_NAMES = ['metadata', 'status', 'os-release', 'render'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const TITLES: Record<SchemaName, string> = {
  metadata: 'composable metadata v1 (/run/composable/metadata.json)',
  status: 'composable generator status v1 (/run/composable/status.json)',
  'os-release': 'composable package os-release fields (usr/lib/os-release)',
  render: 'composable render manifest v1 (/run/composable/render/render.json)',
};

export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const schema = { metadata: MetadataSchema, status: StatusSchema, 'os-release': PackageOsReleaseSchema, render: RenderManifestSchema }[
    name
  ];
  // The refine on os-release (no unknown COMPOSABLE_ keys) has no JSON Schema form; it is
  // expressed as patternProperties below instead of being dropped silently.
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  if (name === 'os-release') {
    out.patternProperties = { '^COMPOSABLE_(?!(TARGET|MODE|PROFILE)$)': false };
  }
  return { $id: `https://composable.invalid/schema/${name}.json`, title: TITLES[name], ...out };
}
