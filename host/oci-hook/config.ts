// The hook's host-side configuration, /etc/composable/hook.json (or the path after `--config`).
// Everything that grants power to a sidecar (environment, credentials, user, capabilities) comes
// from here and never from a container's annotations: anyone who can create a container can set
// an annotation, only the host's administrator can write this file.
import * as z from 'zod/mini';
import { ServiceSchema } from '../../sdk/schema/metadata.ts';
import { AbsolutePath, CREDENTIAL_NAME_PATTERN, ServiceName } from '../../sdk/schema/common.ts';
import { formatSchemaProblems, schemaProblems } from '../../sdk/schema/issues.ts';

export const DEFAULT_CONFIG_PATH = '/etc/composable/hook.json';
export const DEFAULT_RUN_ROOT = '/run/composable-hook';
/** The annotation that selects packages: space-separated package names (no commas: podman < 5 splits values at commas). */
export const SERVICES_ANNOTATION = 'io.composable.services';

const shape = ServiceSchema.shape;

/** Per-package settings the administrator grants; each becomes the metadata field of the same name. */
export const HookServiceSettingsSchema = z.strictObject({
  /** Refuse this package in every container, even where an annotation asks for it. */
  disabled: z.optional(z.boolean()),
  environment: shape.environment,
  /** Credential name → a file on the host; its content is copied into the container's run directory (0600). */
  credentials: z.optional(
    z.record(z.string().check(z.regex(CREDENTIAL_NAME_PATTERN, 'credential names are file names: A-Z a-z 0-9 _ . -')), AbsolutePath),
  ),
  user: shape.user,
  capabilities: shape.capabilities,
  profile: shape.profile,
  mode: shape.mode,
  target: shape.target,
  units: shape.units,
  after: shape.after,
});

export const HookConfigSchema = z.strictObject({
  /** Directory whose direct children are the packages (unpacked trees), named after the package. */
  store: AbsolutePath,
  /** Where the per-container run directories are made; default /run/composable-hook. */
  runRoot: z.optional(AbsolutePath),
  /** Also append log lines to this file (the journal/kernel log always gets them). */
  logFile: z.optional(AbsolutePath),
  services: z.optional(z.record(ServiceName, HookServiceSettingsSchema)),
});

export type HookConfig = z.infer<typeof HookConfigSchema>;
export type HookServiceSettings = z.infer<typeof HookServiceSettingsSchema>;

export type ConfigResult = { ok: true; config: HookConfig } | { ok: false; problems: string[] };

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parse the config's text; every problem names the file, where, and what to do. Pure. */
export function parseHookConfig(text: string, file: string): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const where = at ? lineColumn(text, Number(at[1])) : undefined;
    return {
      ok: false,
      problems: [
        `${file}${where ? `:${where.line}:${where.column}` : ''}: not valid JSON (${message.replace(/^JSON\.parse: /, '')}); fix the syntax`,
      ],
    };
  }
  const r = HookConfigSchema.safeParse(value);
  if (!r.success) {
    return {
      ok: false,
      problems: formatSchemaProblems(schemaProblems(r.error.issues)).map((p) => `${file}: ${p} (docs/engines.md, OCI hook)`),
    };
  }
  return { ok: true, config: r.data };
}
