// The drop-in `<unit>.d/zz-composable.conf` (DROP_IN_NAME) that adapts a package's unit to this container:
// mount dependency, ordering, environment, credentials, user, capabilities, profile, and either
// the rewritten executable paths (host mode) or the chroot into the package (chroot mode).
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, DROP_IN_NAME } from '../../sdk/contract.ts';
import { parseUnitName } from '../../sdk/unit-name.ts';
import type { PackageUnit } from '../../sdk/package.ts';
import type { ServiceSpec } from '../../sdk/schema/metadata.ts';
import type { Reason } from '../../sdk/schema/status.ts';
import { environmentAssignment, escapeSpecifiers, quoteWord } from './escape.ts';
import { CHROOT_DIRECTIVES, PROFILE_DIRECTIVES, unprivilegedProfile, type Directive } from './profiles.ts';
import { declaredDirectories, privilegeFindings, type PrivilegeContext } from './privileges.ts';
import { renderUnit, type Sections } from './render-unit.ts';
import { GENERATED_BY, orderingAfter } from './targets.ts';
import { rewriteExecDirectives } from './exec-paths.ts';
import { mountUnitName } from './mount-unit.ts';
import { mergeDropIns } from '../../sdk/unit-file/dropins.ts';
import type { OutputFile, ServiceSettings } from './types.ts';

export interface DropInContext {
  settings: ServiceSettings;
  spec: ServiceSpec;
  /** Units of other services this one starts after (from metadata `after`). */
  afterUnits: string[];
  hasFile: (relPath: string) => boolean;
  /** Follows a package-relative path inside the package (ServiceInput.resolveInPackage). */
  resolveInPackage?: PrivilegeContext['resolveInPackage'];
  /** Every unit of the package and the *Directory= names they declare; default: this unit's. */
  ownUnits?: readonly string[];
  ownDirectories?: readonly string[];
  prefixes?: readonly string[];
  /**
   * SourcePath= of the unit: the metadata it was generated from. Not the unit in the package:
   * that appears only when the package is mounted, after the generator ran, and systemd then
   * reports the unit as changed on disk (systemd.unit(5) SourcePath=, NeedDaemonReload).
   */
  sourcePath: string;
}

export function dropInPath(unitName: string): string {
  return `${unitName}.d/${DROP_IN_NAME}`;
}

/** Where a credential must live: the service's own directory below the credentials root. */
export function credentialDir(service: string): string {
  return posix.join(CREDENTIALS_ROOT, service);
}

/** The drop-in's file, the reasons to skip the package, and the directives the drop-in sets (what the privilege checks call `generated`). */
export interface PlannedDropIn {
  file: OutputFile;
  reasons: Reason[];
  generated: Directive[];
}

export function planDropIn(unit: PackageUnit, ctx: DropInContext): PlannedDropIn {
  const { settings, spec } = ctx;
  const reasons: Reason[] = [];
  const type = parseUnitName(unit.name)?.type;
  for (const d of unit.dropIns) {
    // systemd applies drop-ins in file-name order (bytewise); a later one would undo ours.
    if (Buffer.compare(Buffer.from(d.name), Buffer.from(DROP_IN_NAME)) > 0) {
      reasons.push({
        code: 'dropin-sorts-after-generated',
        file: d.relPath,
        message:
          `drop-in ${d.name} sorts after the generated ${DROP_IN_NAME} and would override User=, capabilities ` +
          `and the profile; rename it to sort before (for example 50-${d.name})`,
      });
    }
  }
  // Exec lines are rewritten from the unit as the package's own drop-ins leave it.
  const effective =
    unit.dropIns.length > 0
      ? mergeDropIns(
          unit.file,
          unit.dropIns.map((d) => d.file),
        )
      : unit.file;
  const unitSection: Directive[] = [['SourcePath', escapeSpecifiers(ctx.sourcePath)]];
  if (settings.mountedBy === 'generator') unitSection.push(['RequiresMountsFor', escapeSpecifiers(settings.where)]);
  // A package the engine mounted is there before PID 1 starts, and systemd knows its mount from
  // /proc/self/mountinfo: order after it (so at shutdown the units stop before it is unmounted),
  // but require nothing, since there is no mount unit to start.
  else unitSection.push(['After', mountUnitName(settings.where)]);
  // Only services are ordered after the previous composable target: timers, sockets and paths
  // are ordered before timers.target/sockets.target/paths.target by default, which basic.target
  // precedes, so ordering them after a composable target would form a cycle. Their services
  // carry the ordering instead.
  if (type === 'service') {
    const after = orderingAfter(settings.target);
    if (after) unitSection.push(['After', after]);
    for (const dep of ctx.afterUnits) {
      unitSection.push(['After', dep]);
      unitSection.push(['Wants', dep]);
    }
  }

  const sections: Sections = [['Unit', unitSection]];
  if (type === 'service') {
    const variant = settings.sandbox === 'unprivileged' ? unprivilegedProfile(settings.profile) : undefined;
    const service: Directive[] = [...(variant?.ok ? variant.directives : PROFILE_DIRECTIVES[settings.profile])];
    const packageDir = settings.mode === 'chroot' ? '/' : settings.where;
    service.push(['Environment', environmentAssignment('COMPOSABLE_PACKAGE_DIR', packageDir)]);
    for (const [k, v] of Object.entries(spec.environment ?? {})) service.push(['Environment', environmentAssignment(k, v)]);
    for (const [id, path] of Object.entries(spec.credentials ?? {})) {
      // Only the path is written; the secret itself never enters a unit file.
      service.push(['LoadCredential', `${id}:${escapeSpecifiers(path)}`]);
    }
    if (spec.user !== undefined) {
      // The unit's Group= and SupplementaryGroups= would keep the groups the package chose (root,
      // disk, ...) under the metadata's user: the user's own groups are what the agent granted.
      service.push(['User', spec.user], ['Group', ''], ['SupplementaryGroups', '']);
    }
    if (spec.capabilities !== undefined) {
      // Reset first: the metadata's list is the whole set, whatever the unit or profile said.
      const caps = spec.capabilities.join(' ');
      service.push(
        ['CapabilityBoundingSet', ''],
        ['CapabilityBoundingSet', caps],
        ['AmbientCapabilities', ''],
        ['AmbientCapabilities', caps],
      );
    }
    if (settings.mode === 'chroot') {
      service.push(['RootDirectory', escapeSpecifiers(settings.where)], ...CHROOT_DIRECTIVES);
    } else {
      const { rewrites, problems } = rewriteExecDirectives(effective, 'Service', settings.where, ctx.hasFile);
      // Under the other profiles privilegeFindings has refused every line it cannot read.
      if (settings.profile === 'trusted')
        for (const p of problems)
          reasons.push({
            code: 'exec-parse-error',
            file: unit.relPath,
            line: p.line,
            column: p.column,
            message: `${p.key}=: ${p.message}`,
          });
      for (const r of rewrites) {
        service.push([r.key, '']);
        for (const v of r.values) service.push([r.key, v]);
      }
    }
    service.push(['LogExtraFields', quoteWord(`COMPOSABLE_SERVICE=${settings.name}`)]);
    service.push(['LogExtraFields', quoteWord(`COMPOSABLE_VERSION=${settings.version}`)]);
    sections.push(['Service', service]);
  } else if (type === 'socket' && settings.mode === 'host') {
    const { rewrites } = rewriteExecDirectives(effective, 'Socket', settings.where, ctx.hasFile);
    const socket: Directive[] = [];
    for (const r of rewrites) {
      socket.push([r.key, '']);
      for (const v of r.values) socket.push([r.key, v]);
    }
    sections.push(['Socket', socket]);
  }

  const generated = sections.flatMap(([, directives]) => directives);
  const privilegeContext: PrivilegeContext = {
    name: settings.name,
    where: settings.where,
    mode: settings.mode,
    profile: settings.profile,
    unitName: unit.name,
    ownUnits: ctx.ownUnits ?? [unit.name],
    prefixes: ctx.prefixes,
    ownDirectories: ctx.ownDirectories ?? [unit.file, ...unit.dropIns.map((d) => d.file)].flatMap(declaredDirectories),
    resolveInPackage: ctx.resolveInPackage,
    generated,
  };
  for (const { relPath, file } of [unit, ...unit.dropIns]) {
    for (const f of privilegeFindings(file, privilegeContext)) {
      reasons.push({ code: f.code, file: relPath, line: f.entry.range?.line, column: f.entry.valueRange?.column, message: f.message });
    }
  }

  const header = `${GENERATED_BY} for ${settings.name} ${settings.version}; do not edit.`;
  const { content, problems } = renderUnit(header, sections);
  for (const message of problems)
    reasons.push({ code: 'unit-value-unsafe', file: dropInPath(unit.name), message: `generated drop-in of ${unit.name}: ${message}` });
  return { file: { kind: 'file', path: dropInPath(unit.name), content }, reasons, generated };
}
