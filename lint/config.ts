// composable-lint.json: rule severities and the site's policy.
//
// {
//   "rules": { "policy/runs-as-root": "error", "coherence/elf-linkage": "off" },
//   "policy": {
//     "allowedTargets": ["composable.target", "composable-late.target"],
//     "minSystemdVersion": 249,
//     "allowedProfiles": ["default", "strict", "nonetwork"],
//     "baseUnits": ["postgresql.service"],
//     "basePrograms": ["curl", "/usr/lib/postgresql/16/bin/postgres"],
//     "portable": true,
//     "unprivileged": true
//   },
//   "pack": { "include": ["opt/**"], "exclude": ["usr/share/doc/**"], "allowSecrets": ["etc/ssl/ca.pem"] }
// }
// `pack` is read by `composable pack` (sdk/artifact/pack-selection.ts), not by the rules.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { compileGlob, type PackConfig } from '../sdk/artifact/pack-selection.ts';
import { schemaProblems } from '../sdk/schema/issues.ts';
import { parseJsonWithPositions } from './util/json.ts';
import type { LintPolicy, SeveritySetting } from './types.ts';

export const CONFIG_FILE_NAME = 'composable-lint.json';

export interface LintConfig {
  rules?: Record<string, SeveritySetting>;
  policy?: LintPolicy;
  /** What `composable pack` ships besides the package trees, and leaves out (docs/cli.md, pack). */
  pack?: PackConfig;
}

const Severity = z.enum(['error', 'warning', 'info', 'off']);
const PackGlob = z.string().check(
  z.refine((p: string) => {
    try {
      compileGlob(p);
      return true;
    } catch {
      return false;
    }
  }, 'must be a glob relative to the package directory, without a leading / or .. (like "opt/**" or "*.md")'),
);
const PackGlobs = z.optional(z.array(PackGlob));

const UnitName = z.string().check(z.regex(/^[A-Za-z0-9:_.\\@-]+\.[a-z]+$/, 'must be a unit name like foo.service'));

const ProgramName = z.string().check(z.regex(/^(\/[^/\0]+)+$|^[^/\0\s]+$/, 'must be a program name like curl or an absolute path'));

export const LintConfigSchema = z.strictObject({
  $schema: z.optional(z.string()),
  rules: z.optional(z.record(z.string(), Severity)),
  policy: z.optional(
    z.strictObject({
      allowedTargets: z.optional(z.array(UnitName)),
      minSystemdVersion: z.optional(z.number().check(z.int(), z.minimum(200), z.maximum(999))),
      allowedProfiles: z.optional(z.array(z.enum(['default', 'strict', 'trusted', 'nonetwork']))),
      baseUnits: z.optional(z.array(UnitName)),
      basePrograms: z.optional(z.array(ProgramName)),
      maxExposure: z.optional(z.number().check(z.minimum(0), z.maximum(10))),
      // The portable/* rules check every package, not only chroot-mode ones (docs/rules.md).
      portable: z.optional(z.boolean()),
      unprivileged: z.optional(z.boolean()),
    }),
  ),
  pack: z.optional(z.strictObject({ include: PackGlobs, exclude: PackGlobs, allowSecrets: PackGlobs })),
});

export class LintConfigError extends Error {
  override name = 'LintConfigError';
}

/** Validates a parsed config; `knownRules` lets it reject misspelt rule ids. */
export function validateConfig(value: unknown, file: string, knownRules: ReadonlySet<string>): LintConfig {
  const checked = LintConfigSchema.safeParse(value);
  if (!checked.success) {
    const lines = schemaProblems(checked.error.issues).map((p) => `  ${p.path || '(document)'}: ${p.message}`);
    throw new LintConfigError(`${file}: invalid configuration:\n${lines.join('\n')}`);
  }
  const unknown = Object.keys(checked.data.rules ?? {}).filter((id) => !knownRules.has(id));
  if (unknown.length > 0) {
    throw new LintConfigError(
      `${file}: unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; \`composable lint --list-rules\` lists them`,
    );
  }
  const { $schema: _ignored, ...config } = checked.data;
  return config as LintConfig;
}

export function loadConfigFile(path: string, knownRules: ReadonlySet<string>): LintConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LintConfigError(`${path}: cannot read the configuration file`);
  }
  const parsed = parseJsonWithPositions(text);
  if (parsed.error) throw new LintConfigError(`${path}:${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}`);
  return validateConfig(parsed.value, path, knownRules);
}

/** `composable-lint.json` in `cwd`, if there is one. */
export function findConfigFile(cwd: string): string | undefined {
  const candidate = join(resolve(cwd), CONFIG_FILE_NAME);
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The nearest `composable-lint.json` for `path` (a directory, or a file: then from the directory it
 * is in), as ESLint and ruff look: in that directory, then each parent up to the repository root
 * (the first directory with a `.git`, a directory or a worktree's file) or the file system's root.
 * Relative paths resolve against `cwd`.
 */
export function discoverConfigFile(path: string, cwd: string = process.cwd()): string | undefined {
  const start = resolve(cwd, path);
  let dir = isDirectory(start) ? start : dirname(start);
  for (;;) {
    const candidate = findConfigFile(dir);
    if (candidate) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
