// A service's effective [Service] settings as composable runs it: its own file, its drop-ins, then
// the drop-in the generator writes for the package (its profile, mode and stable path). That
// drop-in is asked of the generator's planner (serviceSettings, planDropIn), never re-derived
// here, so the unit the policy rules judge is the unit that boots.
import { planDropIn } from '../../../generator/plan/dropin.ts';
import type { Directive } from '../../../generator/plan/profiles.ts';
import { serviceSettings } from '../../../generator/plan/plan-generation.ts';
import { DROP_IN_NAME, METADATA_PATH, stablePath } from '../../../sdk/contract.ts';
import type { PackageUnit } from '../../../sdk/package.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import type { LintPackage, LintUnit, UnitContext } from '../../types.ts';
import type { Settings } from '../../util/exposure.ts';
import { entriesOf, packageMode, packageProfile, resolveInPackage, unitFiles } from '../helpers.ts';

const LIST_KEYS = new Set([
  'SystemCallFilter',
  'RestrictAddressFamilies',
  'CapabilityBoundingSet',
  'AmbientCapabilities',
  'IPAddressDeny',
  'IPAddressAllow',
  'DeviceAllow',
]);

function assign(s: Settings, key: string, value: string): void {
  if (LIST_KEYS.has(key) && value !== '' && s.get(key)) {
    const prev = s.get(key)!;
    // Two allow lists or two deny lists add up; a deny list after an allow list is kept simple: last wins.
    if (prev.startsWith('~') === value.startsWith('~')) {
      s.set(key, `${prev} ${value.replace(/^~/, '')}`);
      return;
    }
  }
  s.set(key, value);
}

export interface EffectiveService {
  settings: Settings;
  /** The profile applied, when the unit belongs to a package. */
  profile?: string;
}

/** What the generator's drop-in for a unit is: its text and the directives it sets. */
export interface ComposableDropIn {
  content: string;
  generated: Directive[];
}

// Several policy rules ask for the same unit's drop-in in one run; it is planned once per unit.
const plannedDropIns = new WeakMap<LintUnit, ComposableDropIn | undefined>();

/**
 * The drop-in (DROP_IN_NAME) the generator would write for `unit` of `pkg`, started from
 * metadata that names the package and its profile and sets nothing else, in a container that may
 * mount; undefined when the unit is not one the generator adapts.
 */
export function composableDropIn(pkg: LintPackage, unit: LintUnit): ComposableDropIn | undefined {
  if (plannedDropIns.has(unit)) return plannedDropIns.get(unit);
  const planned = planComposableDropIn(pkg, unit);
  plannedDropIns.set(unit, planned);
  return planned;
}

function planComposableDropIn(pkg: LintPackage, unit: LintUnit): ComposableDropIn | undefined {
  const manifest = pkg.manifest ?? { version: '0', mode: packageMode(pkg), profile: packageProfile(pkg) as 'default' };
  // Metadata that grants the profile the package asks for (the generator gives a package no more
  // than its metadata names; profile-not-allowed reports a profile the agent would not grant).
  const settings = serviceSettings({ name: pkg.name, profile: manifest.profile }, manifest, 'generator', undefined);
  const packageUnit: PackageUnit = {
    name: unit.name,
    relPath: unit.relPath ?? unit.file,
    text: unit.text,
    file: unit.parsed,
    dropIns: pkg.units
      .filter((u) => u.name === unit.name && u.dropIn !== undefined)
      .sort((a, b) => Buffer.compare(Buffer.from(a.dropIn!), Buffer.from(b.dropIn!)))
      .map((u) => ({ name: u.dropIn!, relPath: u.relPath ?? u.file, text: u.text, file: u.parsed })),
  };
  const hasFile = (rel: string): boolean => {
    const r = resolveInPackage(pkg, rel, false);
    return r.kind === 'found' && r.entry.type === 'file';
  };
  const { file, generated } = planDropIn(packageUnit, {
    settings,
    spec: { name: pkg.name, source: stablePath(pkg.name) },
    afterUnits: [],
    hasFile,
    sourcePath: METADATA_PATH,
  });
  return file.kind === 'file' ? { content: file.content, generated } : undefined;
}

export function effectiveService(ctx: UnitContext): EffectiveService {
  const s: Settings = new Map();
  for (const unit of unitFiles(ctx)) for (const { entry } of entriesOf(unit.parsed, 'Service')) assign(s, entry.key, entry.value);
  if (!ctx.pkg || ctx.unit.dropIn !== undefined) return { settings: s };
  const text = composableDropIn(ctx.pkg, ctx.unit)?.content;
  if (text !== undefined) {
    for (const { entry } of entriesOf(parseUnitFile(text, `${ctx.unit.name}.d/${DROP_IN_NAME}`), 'Service')) {
      // An empty assignment resets (systemd.unit(5)): assign keeps '' and the next value replaces it.
      assign(s, entry.key, entry.value);
    }
  }
  return { settings: s, profile: packageProfile(ctx.pkg) };
}
