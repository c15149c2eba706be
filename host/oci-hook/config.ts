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
/** The annotation a container asks with for its units rendered on the host (`true`), when the config leaves it open. */
export const RENDER_ANNOTATION = 'io.composable.render';

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
  /**
   * Render the units on the host, for images without node (docs/engines.md, "Images without node"):
   * true for every container that asks for composable, false for none; unset, a container asks
   * with the annotation io.composable.render=true.
   */
  render: z.optional(z.boolean()),
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

/**
 * Where JSON text first goes wrong and what was expected there, found by a scan of its own:
 * JSON.parse's messages quote the text around the error (`Unexpected token 'h', "{"a": hunter2}"
 * is not valid JSON`), and a config holds credentials' paths and environment values. Pure.
 */
export function jsonSyntaxError(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  class Stop {
    constructor(readonly expected: string) {}
  }
  const fail = (expected: string): never => {
    throw new Stop(expected);
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('the end of the string (")');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('no control character inside a string (write it as \\n, \\t or \\u00XX)');
      if (c === 0x5c) {
        i++;
        if (i < text.length && text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hexadecimal digits after \\u');
          i += 4;
        } else if (i >= text.length || !'"\\/bfnrt'.includes(text[i]!)) fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail("':' after the property name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}' after the property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']' after the array element");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const m = /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail('a value (an object, array, string, number, true, false or null)');
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file after the value');
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: Math.min(i, text.length), expected: e.expected };
    throw e;
  }
}

/** Parse the config's text; every problem names the file, where, and what to do, never the text. Pure. */
export function parseHookConfig(text: string, file: string): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never JSON.parse's message: it quotes the text.
    const at = jsonSyntaxError(text);
    const where = lineColumn(text, at?.offset ?? 0);
    return {
      ok: false,
      problems: [
        `${file}:${where.line}:${where.column}: not valid JSON (${at ? `expected ${at.expected}` : 'a syntax error'}); fix the syntax`,
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
