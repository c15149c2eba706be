// The host agent's side of the contract: metadata and credentials into the container's /run
// before PID 1 starts, and the generator's status back. `runDir` is the directory that becomes
// the container's /run/composable (for example a host directory bind-mounted there).
import { mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile } from '../sdk/fs/atomic-write.ts';
import { MetadataSchema, type Metadata } from '../sdk/schema/metadata.ts';
import { StatusSchema, type Status } from '../sdk/schema/status.ts';
import { CREDENTIAL_NAME_PATTERN, SERVICE_NAME_PATTERN } from '../sdk/schema/common.ts';
import { formatSchemaProblems, schemaProblems } from '../sdk/schema/issues.ts';

export class ContractError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}:\n  ${problems.join('\n  ')}` : message);
    this.name = 'ContractError';
  }
}

/** Validate metadata; returns one line per problem (`services[0].name: must be ...`). */
export function validateMetadata(value: unknown): { ok: true; metadata: Metadata } | { ok: false; problems: string[] } {
  const r = MetadataSchema.safeParse(value);
  if (r.success) {
    const names = new Set<string>();
    const dupes = r.data.services
      .map((s, i) =>
        names.has(s.name) ? `services[${i}].name: "${s.name}" is used twice; service names must be unique` : (names.add(s.name), undefined),
      )
      .filter((x): x is string => x !== undefined);
    if (dupes.length > 0) return { ok: false, problems: dupes };
    return { ok: true, metadata: r.data };
  }
  return { ok: false, problems: formatSchemaProblems(schemaProblems(r.error.issues)) };
}

/** Validate and write `metadata.json` atomically (temporary file, fsync, rename; mode 0644). */
export function writeMetadata(runDir: string, metadata: unknown): Metadata {
  const checked = validateMetadata(metadata);
  if (!checked.ok) throw new ContractError('metadata does not satisfy the contract (docs/contract.md)', checked.problems);
  mkdirSync(runDir, { recursive: true, mode: 0o755 });
  atomicWriteFile(join(runDir, 'metadata.json'), `${JSON.stringify(checked.metadata, null, 2)}\n`, { mode: 0o644, fsync: true });
  return checked.metadata;
}

/**
 * Write one credential to `<runDir>/credentials/<service>/<name>` (directories 0700, file 0600),
 * atomically. Returns the container path to put into the metadata's `credentials`. The content
 * is never logged or echoed in errors.
 */
export function writeCredential(runDir: string, service: string, name: string, bytes: Uint8Array | string): string {
  if (!SERVICE_NAME_PATTERN.test(service))
    throw new ContractError(`service name ${JSON.stringify(service)} is not valid (docs/contract.md, Names)`);
  if (!CREDENTIAL_NAME_PATTERN.test(name))
    throw new ContractError(`credential name ${JSON.stringify(name)} is not valid: use A-Z a-z 0-9 _ . - and do not start with .`);
  const root = join(runDir, 'credentials');
  const dir = join(root, service);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and leaves existing directories alone: set it.
  chmodSync(root, 0o700);
  chmodSync(dir, 0o700);
  atomicWriteFile(join(dir, name), typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { mode: 0o600, fsync: true });
  return `/run/composable/credentials/${service}/${name}`;
}

/** Read the generator's status; undefined when the generator has not run yet. */
export function readStatus(runDir: string): Status | undefined {
  let text: string;
  try {
    text = readFileSync(join(runDir, 'status.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const r = StatusSchema.safeParse(JSON.parse(text));
  if (!r.success)
    throw new ContractError(
      `${join(runDir, 'status.json')} does not match the status schema`,
      formatSchemaProblems(schemaProblems(r.error.issues)),
    );
  return r.data;
}
