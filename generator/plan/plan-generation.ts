// planGeneration: from the agent's metadata and the packages it names to the exact set of files
// the generator writes, and the status it reports. Pure: the reader supplies everything.
import { posix } from 'node:path';
import { GENERATOR_NAME, METADATA_PATH, PACKAGE_UNIT_DIR, resolveTarget, stablePath } from '../../sdk/contract.ts';
import { MetadataSchema, ServiceSchema, type ServiceSpec } from '../../sdk/schema/metadata.ts';
import { AbsolutePath, ServiceName } from '../../sdk/schema/common.ts';
import { schemaProblems } from '../../sdk/schema/issues.ts';
import type { Reason, ServiceStatus, Status } from '../../sdk/schema/status.ts';
import type { PackageManifest } from '../../sdk/package.ts';
import { servicesInCycles } from './after-graph.ts';
import { credentialDir, planDropIn } from './dropin.ts';
import { declaredDirectories } from './privileges.ts';
import { effectiveProfile } from './profiles.ts';
import { planEnablement, type Enablement } from './enable.ts';
import { mountUnitName, planMount } from './mount-unit.ts';
import { ownershipProblems } from './ownership.ts';
import { planTargets } from './targets.ts';
import { outputPathProblem, symlinkTargetProblem, unitTextProblems } from './unit-text.ts';
import { canMount, privilegeReasons, sandboxNote } from './unprivileged.ts';
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
    return {
      ok: false,
      reasons: [
        { code: 'metadata-json', file: path, message: `${path} is not valid JSON${where}; the agent must write it with a JSON encoder` },
      ],
    };
  }
  const invalid = (message: string): ParsedMetadata => ({ ok: false, reasons: [{ code: 'metadata-schema', file: path, message }] });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return invalid('(document): expected an object');
  const doc = json as Record<string, unknown>;
  if (doc.schemaVersion !== 1) return invalid(`schemaVersion: must be 1 (this generator reads metadata v1)`);
  if (!Array.isArray(doc.services)) return invalid('services: expected an array');
  const rest = MetadataSchema.safeParse({ ...doc, services: [] });
  const reasons: Reason[] = rest.success
    ? []
    : schemaProblems(rest.error.issues).map((p) => ({
        code: 'metadata-schema',
        file: path,
        message: `${p.path || '(document)'}: ${p.message}; ignored`,
      }));
  const entries: MetadataEntry[] = doc.services.map((raw: unknown, i: number) => {
    const checked = ServiceSchema.safeParse(raw);
    if (checked.success) {
      SCHEMA_CHECKED.add(checked.data);
      return { spec: checked.data, reasons: [] };
    }
    const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const name = ServiceName.safeParse(obj.name);
    const source = AbsolutePath.safeParse(obj.source);
    const spec = { name: name.success ? name.data : `services[${i}]`, source: source.success ? source.data : '' };
    return {
      spec,
      reasons: schemaProblems(checked.error.issues).map((p) => ({
        code: 'service-schema',
        file: path,
        message: `services[${i}]${p.path ? (p.path.startsWith('[') ? p.path : `.${p.path}`) : ''}: ${p.message}`,
      })),
    };
  });
  return { ok: true, services: entries.filter((e) => e.reasons.length === 0).map((e) => e.spec), entries, reasons };
}

/**
 * Specs parseMetadata produced, so the planner does not validate them twice (a boot with 500
 * services would pay for it). A spec from anywhere else is checked again by the planner.
 */
const SCHEMA_CHECKED = new WeakSet<object>();

interface Candidate {
  input: ServiceInput;
  settings?: ServiceSettings;
  reasons: Reason[];
  enablement?: Enablement;
}

function settingsFor(input: ServiceInput, capabilities: GeneratorInput['capabilities']): ServiceSettings | undefined {
  if (!input.pkg) return undefined;
  return serviceSettings(input.spec, input.pkg.manifest, input.mountedBy ?? 'generator', capabilities);
}

/**
 * How the generator runs one service of a package: its name and stable path, target, mode and
 * profile (the metadata's choice over the package's default), who mounts it and whether the
 * sandbox is whole. The linter asks this too (lint/rules/policy/settings.ts), so the unit it
 * checks is the unit that boots.
 */
export function serviceSettings(
  spec: Pick<ServiceSpec, 'name' | 'target' | 'mode' | 'profile'>,
  manifest: Pick<PackageManifest, 'version' | 'target' | 'mode' | 'profile'>,
  mountedBy: ServiceSettings['mountedBy'],
  capabilities: GeneratorInput['capabilities'],
): ServiceSettings {
  return {
    name: spec.name,
    version: manifest.version,
    where: stablePath(spec.name),
    target: resolveTarget(spec.target ?? manifest.target),
    mode: spec.mode ?? manifest.mode,
    profile: effectiveProfile(spec.profile, manifest.profile),
    mountedBy,
    sandbox: canMount(capabilities) ? 'full' : 'unprivileged',
  };
}

/** Everything that makes one service unusable on its own. */
function ownReasons(input: ServiceInput): Reason[] {
  const reasons: Reason[] = [...input.sourceReasons];
  if (reasons.length > 0) return reasons;
  for (const p of input.packageProblems)
    reasons.push({ code: p.code, message: p.message, file: p.file || undefined, line: p.line, column: p.column });
  const pkg = input.pkg;
  if (!pkg) return reasons;
  const { spec } = input;
  if (pkg.manifest.name !== spec.name) {
    reasons.push({
      code: 'name-mismatch',
      file: pkg.osRelease.relPath,
      message: `metadata names the service "${spec.name}" but the package's ID is "${pkg.manifest.name}"`,
    });
  }
  if (spec.version !== undefined && spec.version !== pkg.manifest.version) {
    reasons.push({
      code: 'version-mismatch',
      file: pkg.osRelease.relPath,
      message: `metadata expects version ${spec.version} but the package has VERSION_ID=${pkg.manifest.version}`,
    });
  }
  if (spec.digest !== undefined && input.digest !== undefined && spec.digest !== input.digest) {
    reasons.push({
      code: 'digest-mismatch',
      message: `metadata expects digest ${spec.digest} but the package's content digest is ${input.digest}`,
    });
  }
  for (const [id, path] of Object.entries(spec.credentials ?? {})) {
    const dir = credentialDir(spec.name);
    if (!posix.normalize(path).startsWith(`${dir}/`)) {
      reasons.push({
        code: 'credential-outside',
        message: `credential "${id}" is at ${path}; credentials of ${spec.name} must be files below ${dir}/`,
      });
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
        return {
          spec: { name: svc.spec.name, source: svc.spec.source },
          sourceReasons: [internalError(e)],
          packageProblems: [],
          hasFile: () => false,
        };
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
  const others = input.services.map((svc) => ({ name: svc.spec.name, prefixes: svc.pkg?.manifest.prefixes }));
  const seen = new Set<string>();
  // 1. Each service on its own; 2. unit names two packages provide; 3. `after`; 4. the files.
  const candidates = input.services.map((svc) => assessService(svc, input, others, seen));
  refuseSharedUnits(candidates);
  checkAfter(candidates);
  planCandidates(candidates, input, files, status);
  return finish(files, status);
}

/** What one service may be on its own: its schema, its package, what it claims, what it needs. */
function assessService(
  svc: ServiceInput,
  input: GeneratorInput,
  others: { name: string; prefixes: readonly string[] | undefined }[],
  seen: Set<string>,
): Candidate {
  const c: Candidate = { input: svc, reasons: [] };
  if (seen.has(svc.spec.name)) {
    c.reasons.push({
      code: 'duplicate-service',
      message: `service "${svc.spec.name}" appears more than once in the metadata; only the first is used`,
    });
    return c;
  }
  seen.add(svc.spec.name);
  // The planner may be given specs that did not come through parseMetadata; values that reach
  // unit files and paths are checked here once more, so no caller can skip the check. (An entry
  // parseMetadata rejected already carries its schema reasons as source reasons.)
  const checked = svc.sourceReasons.length > 0 || SCHEMA_CHECKED.has(svc.spec) ? undefined : ServiceSchema.safeParse(svc.spec);
  if (checked && !checked.success) {
    for (const p of schemaProblems(checked.error.issues))
      c.reasons.push({ code: 'service-schema', file: input.metadata.path, message: `${p.path || '(service)'}: ${p.message}` });
    return c;
  }
  c.reasons.push(...ownReasons(svc));
  if (svc.pkg) {
    const claims = ownershipProblems({
      name: svc.spec.name,
      prefixes: svc.pkg.manifest.prefixes,
      unitNames: svc.pkg.units.map((u) => u.name),
      others,
      containerUnits: input.containerUnits,
    });
    for (const p of claims)
      c.reasons.push({ code: p.code, file: p.unit ? `${PACKAGE_UNIT_DIR}/${p.unit}` : svc.pkg.osRelease.relPath, message: p.message });
  }
  if (c.reasons.length === 0 && !svc.pkg)
    c.reasons.push({ code: 'package-unreadable', message: `the package at ${svc.spec.source} could not be read` });
  c.settings = settingsFor(svc, input.capabilities);
  if (c.reasons.length === 0 && c.settings && svc.pkg) {
    c.enablement = planEnablement(svc.pkg.units, svc.spec.units, c.settings.target);
    c.reasons.push(...c.enablement.reasons);
    // What the container may do: a mount or namespace it cannot make is a skip, not a failed unit.
    c.reasons.push(...privilegeReasons(c.settings, svc.resolvedSource ?? svc.spec.source, svc.pkg.units, input.capabilities));
  }
  return c;
}

/** Unit names provided by more than one package: none of them can be trusted to win. */
function refuseSharedUnits(candidates: Candidate[]): void {
  const providers = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.reasons.length > 0 || !c.input.pkg) continue;
    for (const u of c.input.pkg.units) providers.set(u.name, [...(providers.get(u.name) ?? []), c]);
  }
  for (const [unit, owners] of providers) {
    if (owners.length < 2) continue;
    for (const c of owners) {
      const others = owners.filter((o) => o !== c).map((o) => o.input.spec.name);
      c.reasons.push({
        code: 'unit-conflict',
        file: `usr/lib/systemd/system/${unit}`,
        message: `${unit} is also provided by ${others.join(', ')}; unit names must be unique across packages`,
      });
    }
  }
}

/** `after`: names that are not services of this metadata, then cycles among the remaining services. */
function checkAfter(candidates: Candidate[]): void {
  const known = new Set(candidates.map((c) => c.input.spec.name));
  for (const c of candidates) {
    for (const dep of c.input.spec.after ?? []) {
      if (!known.has(dep))
        c.reasons.push({ code: 'after-unknown', message: `"after" names ${dep}, which is not a service of this metadata` });
    }
  }
  const edges = new Map<string, string[]>();
  for (const c of candidates) if (c.reasons.length === 0) edges.set(c.input.spec.name, [...(c.input.spec.after ?? [])]);
  for (const [name, cycle] of servicesInCycles(edges)) {
    const c = candidates.find((x) => x.input.spec.name === name && x.reasons.length === 0)!;
    c.reasons.push({
      code: 'after-cycle',
      message: `"after" forms a cycle: ${cycle.join(' -> ')} -> ${cycle[0]}; every service of the cycle is skipped`,
    });
  }
}

/** The files and the status entry of every candidate, enabled or skipped with its reasons. */
function planCandidates(candidates: Candidate[], input: GeneratorInput, files: OutputFile[], status: Status): void {
  const enabledUnitsOf = new Map<string, string[]>();
  for (const c of candidates) if (c.reasons.length === 0 && c.enablement) enabledUnitsOf.set(c.input.spec.name, c.enablement.enabled);
  for (const c of candidates) {
    const { spec } = c.input;
    if (c.reasons.length > 0 || !c.settings || !c.input.pkg || !c.enablement) {
      status.services.push({ name: spec.name, state: 'skipped', source: spec.source || undefined, reasons: c.reasons });
      continue;
    }
    let planned: { files: OutputFile[]; reasons: Reason[] };
    try {
      planned = planServiceFiles(c.input, c.settings, c.enablement, {
        afterUnits: (spec.after ?? []).flatMap((dep) => enabledUnitsOf.get(dep) ?? []),
        sourcePath: input.metadata.path,
      });
    } catch (e) {
      // A planner bug must cost this service only, never the others or the boot.
      planned = {
        files: [],
        reasons: [
          {
            code: 'internal-error',
            message: `the generator failed while planning this service (${(e as Error).message}); please report it`,
          },
        ],
      };
    }
    if (planned.reasons.length > 0) {
      status.services.push({ name: spec.name, state: 'skipped', source: spec.source || undefined, reasons: planned.reasons });
      continue;
    }
    files.push(...planned.files);
    const s = c.settings;
    const entry: ServiceStatus = {
      name: s.name,
      state: 'enabled',
      version: s.version,
      source: spec.source,
      target: s.target,
      mode: s.mode,
      profile: s.profile,
      mountedBy: s.mountedBy,
      ...(s.mountedBy === 'generator' ? { mount: mountUnitName(s.where) } : {}),
      where: s.where,
      units: c.input.pkg.units.map((u) => u.name),
      enabled: c.enablement.enabled,
    };
    const sandbox = sandboxNote(s, c.input.pkg.units);
    if (sandbox) entry.sandbox = sandbox;
    status.services.push(entry);
  }
}

/** The mount, the package's units and drop-ins, the generated drop-ins and the enable links of one service. */
function planServiceFiles(
  svc: ServiceInput,
  s: ServiceSettings,
  enablement: Enablement,
  ctx: { afterUnits: string[]; sourcePath: string },
): { files: OutputFile[]; reasons: Reason[] } {
  const pkg = svc.pkg!;
  const { spec } = svc;
  const own: OutputFile[] = [];
  /** Output path -> the package file it is a copy of, so a reason names the file to fix. */
  const origin = new Map<string, string>();
  const reasons: Reason[] = [];
  // A package the engine mounted is used in place: no .mount unit.
  if (s.mountedBy === 'generator') {
    const mount = planMount({
      name: s.name,
      version: s.version,
      what: svc.resolvedSource ?? spec.source,
      where: s.where,
      kind: svc.sourceKind ?? 'directory',
      imageType: svc.imageType,
      sourcePath: ctx.sourcePath,
    });
    own.push(mount.file);
    reasons.push(
      ...mount.problems.map((message) => ({
        code: 'unit-value-unsafe',
        file: mount.file.path,
        message: `generated mount unit: ${message}`,
      })),
    );
  }
  const ownUnits = pkg.units.map((u) => u.name);
  const ownDirectories = pkg.units.flatMap((u) => [u.file, ...u.dropIns.map((d) => d.file)].flatMap(declaredDirectories));
  for (const unit of pkg.units) {
    own.push({ kind: 'file', path: unit.name, content: unit.text });
    origin.set(unit.name, unit.relPath);
    for (const d of unit.dropIns ?? []) {
      own.push({ kind: 'file', path: `${unit.name}.d/${d.name}`, content: d.text });
      origin.set(`${unit.name}.d/${d.name}`, d.relPath);
    }
    const dropIn = planDropIn(unit, {
      settings: s,
      spec,
      afterUnits: ctx.afterUnits,
      hasFile: svc.hasFile,
      resolveInPackage: svc.resolveInPackage,
      ownUnits,
      ownDirectories,
      prefixes: pkg.manifest.prefixes,
      sourcePath: ctx.sourcePath,
    });
    own.push(dropIn.file);
    reasons.push(...dropIn.reasons);
  }
  const all = [...own, ...enablement.links];
  // The package's own files are always checked: one systemd would read differently from the
  // generator (a lone CR, a NUL) makes every reason about its directives doubtful. What the
  // generator wrote itself only when nothing else is wrong.
  const packageFiles = all.filter((f) => origin.has(f.path));
  reasons.unshift(...outputFileReasons(packageFiles, origin));
  if (reasons.length === 0)
    reasons.push(
      ...outputFileReasons(
        all.filter((f) => !origin.has(f.path)),
        origin,
      ),
    );
  return { files: reasons.length === 0 ? all : [], reasons };
}

/**
 * Every file a service would add, checked before any of it is planned: its path stays below the
 * output directory, and its content reads in systemd exactly as written (unit-text.ts).
 */
export function outputFileReasons(files: readonly OutputFile[], origin: ReadonlyMap<string, string> = new Map()): Reason[] {
  const reasons: Reason[] = [];
  for (const f of files) {
    const pathProblem = outputPathProblem(f.path) ?? (f.kind === 'symlink' ? symlinkTargetProblem(f.path, f.target) : undefined);
    if (pathProblem) {
      reasons.push({ code: 'output-path-unsafe', message: `${pathProblem}; nothing of this service is written` });
      continue;
    }
    if (f.kind !== 'file') continue;
    for (const p of unitTextProblems(f.content)) {
      const file = origin.get(f.path) ?? f.path;
      reasons.push({ code: 'unit-text-unsafe', file, line: p.line, message: `line ${p.line} of ${file} ${p.message}` });
    }
  }
  return reasons;
}

function finish(files: OutputFile[], status: Status): GeneratorPlan {
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, status };
}
