// planGeneration: from the agent's metadata and the packages it names to the exact set of files
// the generator writes, and the status it reports. Pure: the reader supplies everything.
import { posix } from 'node:path';
import { GENERATOR_NAME, METADATA_PATH, resolveTarget, stablePath } from '../contract.ts';
import { MetadataSchema, ServiceSchema, type ServiceSpec } from '../schema/metadata.ts';
import { AbsolutePath, ServiceName } from '../schema/common.ts';
import { schemaProblems } from '../schema/issues.ts';
import type { Reason, ServiceStatus, Status } from '../schema/status.ts';
import { servicesInCycles } from './after-graph.ts';
import { credentialDir, planDropIn } from './dropin.ts';
import { planEnablement, type Enablement } from './enable.ts';
import { mountUnitName, planMount } from './mount.ts';
import { planTargets } from './targets.ts';
import type { GeneratorInput, GeneratorPlan, OutputFile, ServiceInput, ServiceSettings } from './types.ts';

/** One entry of `services`: its spec, or (when it fails the schema) a stand-in and why. */
export interface MetadataEntry {
  /** For a rejected entry: its name if that is valid, else `services[<index>]`, and its source if valid. */
  spec: ServiceSpec;
  /** Empty for a valid entry; the schema problems (the service's skip reasons) otherwise. */
  reasons: Reason[];
}

export type ParsedMetadata =
  | { ok: true; services: ServiceSpec[]; entries: MetadataEntry[]; reasons: Reason[] }
  | { ok: false; reasons: Reason[] };

/** `line L, column C` of a character offset, for messages that must not quote the text. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/**
 * Parse and validate metadata text. Isolation per entry: an entry of `services` that fails the
 * schema is rejected on its own (its service is skipped with the reasons) and the valid ones
 * still run. Only text that is not JSON, a `schemaVersion` other than 1, or `services` that is
 * not an array rejects the whole file. Other top-level problems (an unknown key, a bad
 * `container`) are reported in `reasons` and do not stop anything.
 * Messages never quote the text: a JSON error gives the position, not the token.
 */
export function parseMetadata(text: string, path = METADATA_PATH): ParsedMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : /end of JSON input/.test(msg) ? ': it ends early' : '';
    return { ok: false, reasons: [{ code: 'metadata-json', file: path, message: `${path} is not valid JSON${where}; the agent must write it with a JSON encoder` }] };
  }
  const invalid = (message: string): ParsedMetadata => ({ ok: false, reasons: [{ code: 'metadata-schema', file: path, message }] });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return invalid('(document): expected an object');
  const doc = json as Record<string, unknown>;
  if (doc.schemaVersion !== 1) return invalid(`schemaVersion: must be 1 (this generator reads metadata v1)`);
  if (!Array.isArray(doc.services)) return invalid('services: expected an array');
  const rest = MetadataSchema.safeParse({ ...doc, services: [] });
  const reasons: Reason[] = rest.success
    ? []
    : schemaProblems(rest.error.issues).map((p) => ({ code: 'metadata-schema', file: path, message: `${p.path || '(document)'}: ${p.message}; ignored` }));
  const entries: MetadataEntry[] = doc.services.map((raw: unknown, i: number) => {
    const checked = ServiceSchema.safeParse(raw);
    if (checked.success) return { spec: checked.data, reasons: [] };
    const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const name = ServiceName.safeParse(obj.name);
    const source = AbsolutePath.safeParse(obj.source);
    const spec = { name: name.success ? name.data : `services[${i}]`, source: source.success ? source.data : '' };
    return {
      spec,
      reasons: schemaProblems(checked.error.issues).map((p) => ({
        code: 'service-schema', file: path, message: `services[${i}]${p.path ? (p.path.startsWith('[') ? p.path : `.${p.path}`) : ''}: ${p.message}`,
      })),
    };
  });
  return { ok: true, services: entries.filter((e) => e.reasons.length === 0).map((e) => e.spec), entries, reasons };
}

interface Candidate {
  input: ServiceInput;
  settings?: ServiceSettings;
  reasons: Reason[];
  enablement?: Enablement;
}

function settingsFor(input: ServiceInput): ServiceSettings | undefined {
  const pkg = input.pkg;
  if (!pkg) return undefined;
  const { spec } = input;
  return {
    name: spec.name,
    version: pkg.manifest.version,
    where: stablePath(spec.name),
    target: resolveTarget(spec.target ?? pkg.manifest.target),
    mode: spec.mode ?? pkg.manifest.mode,
    profile: spec.profile ?? pkg.manifest.profile,
  };
}

/** Everything that makes one service unusable on its own. */
function ownReasons(input: ServiceInput): Reason[] {
  const reasons: Reason[] = [...input.sourceReasons];
  if (reasons.length > 0) return reasons;
  for (const p of input.packageProblems) reasons.push({ code: p.code, message: p.message, file: p.file || undefined, line: p.line, column: p.column });
  const pkg = input.pkg;
  if (!pkg) return reasons;
  const { spec } = input;
  if (pkg.manifest.name !== spec.name) {
    reasons.push({ code: 'name-mismatch', file: pkg.osRelease.relPath, message: `metadata names the service "${spec.name}" but the package's ID is "${pkg.manifest.name}"` });
  }
  if (spec.version !== undefined && spec.version !== pkg.manifest.version) {
    reasons.push({ code: 'version-mismatch', file: pkg.osRelease.relPath, message: `metadata expects version ${spec.version} but the package has VERSION_ID=${pkg.manifest.version}` });
  }
  if (spec.digest !== undefined && input.digest !== undefined && spec.digest !== input.digest) {
    reasons.push({ code: 'digest-mismatch', message: `metadata expects digest ${spec.digest} but the package's content digest is ${input.digest}` });
  }
  for (const [id, path] of Object.entries(spec.credentials ?? {})) {
    const dir = credentialDir(spec.name);
    if (!posix.normalize(path).startsWith(`${dir}/`)) {
      reasons.push({ code: 'credential-outside', message: `credential "${id}" is at ${path}; credentials of ${spec.name} must be files below ${dir}/` });
    }
  }
  return reasons;
}

/**
 * Plan the whole run. Isolation per entry: should planning throw (a bug some package input
 * triggers), each service is planned alone to find the ones that throw; those are skipped with
 * `internal-error` and the rest are planned together as usual.
 */
export function planGeneration(input: GeneratorInput): GeneratorPlan {
  try {
    return planAll(input);
  } catch {
    const services = input.services.map((svc): ServiceInput => {
      try {
        planAll({ ...input, services: [{ ...svc, spec: { ...svc.spec, after: undefined } }] });
        return svc;
      } catch (e) {
        return { spec: { name: svc.spec.name, source: svc.spec.source }, sourceReasons: [internalError(e)], packageProblems: [], hasFile: () => false };
      }
    });
    return planAll({ ...input, services });
  }
}

/** A reason for an exception planning one service; names the error, quotes nothing it read. */
function internalError(e: unknown): Reason {
  return { code: 'internal-error', message: `planning this service failed (${e instanceof Error ? e.name : 'error'}); please report it` };
}

function planAll(input: GeneratorInput): GeneratorPlan {
  const files: OutputFile[] = planTargets();
  const status: Status = {
    schemaVersion: 1,
    generator: { name: GENERATOR_NAME, version: input.generatorVersion },
    metadata: { path: input.metadata.path, state: 'ok' },
    services: [],
  };
  if (input.metadata.state === 'absent') {
    status.metadata.state = 'absent';
    return finish(files, status);
  }
  if (input.metadata.state === 'invalid') {
    status.metadata.state = 'invalid';
    status.metadata.reasons = input.metadata.reasons;
    return finish(files, status);
  }
  if (input.metadata.reasons && input.metadata.reasons.length > 0) status.metadata.reasons = input.metadata.reasons;

  // 1. Each service on its own.
  const seen = new Set<string>();
  const candidates: Candidate[] = input.services.map((svc) => {
    const c: Candidate = { input: svc, reasons: [] };
    if (seen.has(svc.spec.name)) {
      c.reasons.push({ code: 'duplicate-service', message: `service "${svc.spec.name}" appears more than once in the metadata; only the first is used` });
      return c;
    }
    seen.add(svc.spec.name);
    c.reasons.push(...ownReasons(svc));
    if (c.reasons.length === 0 && !svc.pkg) c.reasons.push({ code: 'package-unreadable', message: `the package at ${svc.spec.source} could not be read` });
    c.settings = settingsFor(svc);
    if (c.reasons.length === 0 && c.settings && svc.pkg) {
      c.enablement = planEnablement(svc.pkg.units, svc.spec.units, c.settings.target);
      c.reasons.push(...c.enablement.reasons);
    }
    return c;
  });

  // 2. Unit names provided by more than one package: none of them can be trusted to win.
  const providers = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.reasons.length > 0 || !c.input.pkg) continue;
    for (const u of c.input.pkg.units) providers.set(u.name, [...(providers.get(u.name) ?? []), c]);
  }
  for (const [unit, owners] of providers) {
    if (owners.length < 2) continue;
    for (const c of owners) {
      const others = owners.filter((o) => o !== c).map((o) => o.input.spec.name);
      c.reasons.push({ code: 'unit-conflict', file: `usr/lib/systemd/system/${unit}`, message: `${unit} is also provided by ${others.join(', ')}; unit names must be unique across packages` });
    }
  }

  // 3. `after`: unknown names, then cycles among the remaining services.
  const known = new Set(candidates.map((c) => c.input.spec.name));
  for (const c of candidates) {
    for (const dep of c.input.spec.after ?? []) {
      if (!known.has(dep)) c.reasons.push({ code: 'after-unknown', message: `"after" names ${dep}, which is not a service of this metadata` });
    }
  }
  const edges = new Map<string, string[]>();
  for (const c of candidates) if (c.reasons.length === 0) edges.set(c.input.spec.name, [...(c.input.spec.after ?? [])]);
  for (const [name, cycle] of servicesInCycles(edges)) {
    const c = candidates.find((x) => x.input.spec.name === name && x.reasons.length === 0)!;
    c.reasons.push({ code: 'after-cycle', message: `"after" forms a cycle: ${cycle.join(' -> ')} -> ${cycle[0]}; every service of the cycle is skipped` });
  }

  // 4. Files for every service still standing.
  const enabledUnitsOf = new Map<string, string[]>();
  for (const c of candidates) if (c.reasons.length === 0 && c.enablement) enabledUnitsOf.set(c.input.spec.name, c.enablement.enabled);
  for (const c of candidates) {
    const { spec } = c.input;
    if (c.reasons.length > 0 || !c.settings || !c.input.pkg || !c.enablement) {
      status.services.push({ name: spec.name, state: 'skipped', source: spec.source || undefined, reasons: c.reasons });
      continue;
    }
    const s = c.settings;
    const pkg = c.input.pkg;
    const own: OutputFile[] = [
      planMount({ name: s.name, version: s.version, what: c.input.resolvedSource ?? spec.source, where: s.where, kind: c.input.sourceKind ?? 'directory', imageType: c.input.imageType, sourcePath: input.metadata.path }),
    ];
    const afterUnits = (spec.after ?? []).flatMap((dep) => enabledUnitsOf.get(dep) ?? []);
    const dropInReasons: Reason[] = [];
    for (const unit of pkg.units) {
      own.push({ kind: 'file', path: unit.name, content: unit.text });
      for (const d of unit.dropIns ?? []) own.push({ kind: 'file', path: `${unit.name}.d/${d.name}`, content: d.text });
      const { file, reasons } = planDropIn(unit, { settings: s, spec, afterUnits, hasFile: c.input.hasFile });
      own.push(file);
      dropInReasons.push(...reasons);
    }
    if (dropInReasons.length > 0) {
      status.services.push({ name: spec.name, state: 'skipped', source: spec.source, reasons: dropInReasons });
      continue;
    }
    files.push(...own, ...c.enablement.links);
    const entry: ServiceStatus = {
      name: s.name, state: 'enabled', version: s.version, source: spec.source, target: s.target, mode: s.mode, profile: s.profile,
      mount: mountUnitName(s.where), where: s.where, units: pkg.units.map((u) => u.name), enabled: c.enablement.enabled,
    };
    status.services.push(entry);
  }
  return finish(files, status);
}

function finish(files: OutputFile[], status: Status): GeneratorPlan {
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, status };
}
