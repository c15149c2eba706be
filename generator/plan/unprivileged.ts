// What a container without CAP_SYS_ADMIN can run (pure; the capabilities come in as input).
// Without it the generator cannot mount a store package, and systemd cannot make a mount
// namespace for a service: systemd 252 then drops the sandboxing that only restricts
// (ProtectSystem=, PrivateTmp=, ...) silently, but fails the service with 226/NAMESPACE for
// settings that rearrange the file system (DynamicUser=, RootDirectory=, TemporaryFileSystem=,
// binds onto another path). Measured in an unprivileged podman container: docs/profiles.md.
// What would fail is skipped with a reason; what would be dropped is said in the status.
import { extractWords } from '../../sdk/unit-file/words.ts';
import { parseBoolean } from '../../sdk/unit-file/values.ts';
import type { EntryNode, UnitFile } from '../../sdk/unit-file/types.ts';
import type { PackageUnit } from '../../sdk/package.ts';
import type { Reason, ServiceStatus } from '../../sdk/schema/status.ts';
import { parseUnitName } from '../../sdk/unit-name.ts';
import type { ContainerCapabilities } from '../input/capabilities.ts';
import { formatDirective, unprivilegedProfile } from './profiles.ts';
import type { ServiceSettings } from './types.ts';

export const SYS_ADMIN = 'CAP_SYS_ADMIN';

/** Directives that make a service fail with 226/NAMESPACE whenever they are set (non-empty). */
const ALWAYS_NEEDS_NAMESPACE = [
  'RootDirectory',
  'RootImage',
  'TemporaryFileSystem',
  'MountImages',
  'ExtensionImages',
  'ExtensionDirectories',
  'LogNamespace',
];
const BIND_DIRECTIVES = ['BindPaths', 'BindReadOnlyPaths'];

/** An assignment and where it came from (a unit file or one of its drop-ins). */
export interface Origin<T> {
  entry: EntryNode;
  origin: T;
}

/** The assignments of `key` in `section` across `files` in order, after the last empty (resetting) one. */
function effectiveEntries<T>(files: readonly { unit: UnitFile; origin: T }[], section: string, key: string): Origin<T>[] {
  let out: Origin<T>[] = [];
  for (const { unit, origin } of files) {
    for (const s of unit.sections) {
      if (s.name !== section) continue;
      for (const n of s.nodes) {
        if (n.type !== 'entry' || n.key !== key) continue;
        if (n.value === '') out = [];
        else out.push({ entry: n, origin });
      }
    }
  }
  return out;
}

/** Whether one BindPaths= word (`[-]SRC[:DST[:OPTIONS]]`) binds a path somewhere else. */
function bindsElsewhere(word: string): boolean {
  const spec = word.startsWith('-') ? word.slice(1) : word;
  const [src, dst] = spec.split(':');
  return dst !== undefined && dst !== '' && dst !== src;
}

/**
 * The [Service] settings of a unit (its file, then its drop-ins in systemd's order) that make it
 * fail with 226/NAMESPACE when systemd cannot make a mount namespace.
 */
export function settingsNeedingNamespace<T>(files: readonly { unit: UnitFile; origin: T }[]): Origin<T>[] {
  const found: Origin<T>[] = [];
  const dynamic = effectiveEntries(files, 'Service', 'DynamicUser').at(-1);
  if (dynamic && parseBoolean(dynamic.entry.value) === true) found.push(dynamic);
  for (const key of ALWAYS_NEEDS_NAMESPACE) found.push(...effectiveEntries(files, 'Service', key).slice(-1));
  for (const key of BIND_DIRECTIVES) {
    for (const l of effectiveEntries(files, 'Service', key)) {
      if (extractWords(l.entry.value, { unquote: true }).words.some((w) => bindsElsewhere(w.text))) found.push(l);
    }
  }
  return found;
}

/**
 * [Service] settings that only restrict, which systemd leaves out (silently, or with a warning)
 * when it cannot make a namespace for the service; a false value asks for nothing.
 */
export const WITHOUT_EFFECT_UNPRIVILEGED = new Set([
  'ProtectSystem',
  'ProtectHome',
  'PrivateTmp',
  'PrivateDevices',
  'PrivateMounts',
  'ProtectKernelTunables',
  'ProtectControlGroups',
  'ProtectHostname',
  'PrivateNetwork',
  'IPAddressDeny',
  'ReadOnlyPaths',
  'InaccessiblePaths',
  'ReadWritePaths',
  'ExecPaths',
  'NoExecPaths',
]);

/** The settings of WITHOUT_EFFECT_UNPRIVILEGED a unit (with its drop-ins) has in force. */
export function settingsWithoutEffect<T>(files: readonly { unit: UnitFile; origin: T }[]): Origin<T>[] {
  const found: Origin<T>[] = [];
  for (const key of WITHOUT_EFFECT_UNPRIVILEGED) {
    for (const l of effectiveEntries(files, 'Service', key)) if (parseBoolean(l.entry.value) !== false) found.push(l);
  }
  return found;
}

/** A package unit and its drop-ins, each tagged with its package-relative path. */
export function unitWithDropIns(unit: PackageUnit): { unit: UnitFile; origin: string }[] {
  return [{ unit: unit.file, origin: unit.relPath }, ...unit.dropIns.map((d) => ({ unit: d.file, origin: d.relPath }))];
}

/**
 * Reasons a package unit cannot start in a container whose systemd cannot make a mount
 * namespace: the directive, its file and line, and the fix.
 */
export function namespaceRequirements(unit: PackageUnit, packageName: string): Reason[] {
  if (parseUnitName(unit.name)?.type !== 'service') return [];
  return settingsNeedingNamespace(unitWithDropIns(unit)).map(({ entry, origin }) => ({
    code: 'capability-missing',
    file: origin,
    line: entry.range?.line,
    column: entry.range?.column,
    message:
      `${unit.name} sets ${entry.key}=${entry.value}, which needs a mount namespace; systemd cannot make one without ${SYS_ADMIN}, ` +
      `which this container lacks, so the service would fail with 226/NAMESPACE. Grant the container ${SYS_ADMIN}, ` +
      `or drop ${entry.key}= from ${packageName}${entry.key === 'DynamicUser' ? ' and have the agent set "user"' : ''}`,
  }));
}

/** Whether the container can make mounts and mount namespaces; unknown capabilities count as yes. */
export function canMount(capabilities: ContainerCapabilities | undefined): boolean {
  return capabilities === undefined || capabilities.effective.includes(SYS_ADMIN);
}

/**
 * Everything that stops a service in a container without CAP_SYS_ADMIN: the generator's own
 * mount, chroot mode, a profile that needs a mount namespace, package units that insist on one.
 */
export function privilegeReasons(
  settings: ServiceSettings,
  source: string,
  pkgUnits: readonly PackageUnit[],
  capabilities: ContainerCapabilities | undefined,
): Reason[] {
  if (canMount(capabilities)) return [];
  const reasons: Reason[] = [];
  const lacks = `this container lacks ${SYS_ADMIN} (${capabilities!.source} CapEff)`;
  if (settings.mountedBy === 'generator') {
    reasons.push({
      code: 'capability-missing',
      message:
        `mounting ${source} at ${settings.where} needs ${SYS_ADMIN}, and ${lacks}. Have the container engine mount the package at ` +
        `${settings.where} and name that path as the source (composable podman and composable kube do), or grant the container ${SYS_ADMIN}`,
    });
  }
  if (settings.mode === 'chroot') {
    reasons.push({
      code: 'capability-missing',
      message:
        `chroot mode runs the service with RootDirectory=${settings.where}, which needs a mount namespace, ` +
        `and ${lacks}. Use host mode ("mode": "host") or grant the container ${SYS_ADMIN}`,
    });
  }
  const variant = unprivilegedProfile(settings.profile);
  if (!variant.ok) {
    reasons.push({
      code: 'profile-unsupported',
      message:
        `profile ${settings.profile} promises a read-only, private view of the file system, which needs a mount namespace, and ${lacks}; ` +
        `systemd would start the service without ${variant.needsNamespace.map(formatDirective).join(', ')}. ` +
        `Grant the container ${SYS_ADMIN}, or choose a profile that keeps its promise unprivileged ("profile": "default" or "nonetwork")`,
    });
  }
  for (const u of pkgUnits) reasons.push(...namespaceRequirements(u, settings.name));
  return reasons;
}

/**
 * What the status says about a service that runs where systemd cannot make namespaces: the
 * profile directives left out, and the package's own settings systemd will start it without.
 */
export function sandboxNote(settings: ServiceSettings, pkgUnits: readonly PackageUnit[]): ServiceStatus['sandbox'] {
  if (settings.sandbox !== 'unprivileged') return undefined;
  const variant = unprivilegedProfile(settings.profile);
  const dropped = variant.ok ? variant.dropped.map(formatDirective) : [];
  const ignored = pkgUnits
    .filter((u) => parseUnitName(u.name)?.type === 'service')
    .flatMap((u) =>
      settingsWithoutEffect(unitWithDropIns(u)).map(
        ({ entry, origin }) => `${origin}:${entry.range?.line ?? 0} ${entry.key}=${entry.value}`,
      ),
    );
  if (dropped.length === 0 && ignored.length === 0) return undefined;
  return {
    variant: 'unprivileged',
    dropped,
    ...(ignored.length > 0 ? { ignored } : {}),
    message:
      `the container lacks ${SYS_ADMIN}, so systemd cannot apply these settings (they need namespaces or BPF) and starts the service without them` +
      `${dropped.length > 0 ? `; profile ${settings.profile} is written without ${dropped.join(', ')}` : ''}` +
      `${ignored.length > 0 ? `; the package's own ${ignored.map((i) => i.split(' ')[1]).join(', ')} ${ignored.length === 1 ? 'has' : 'have'} no effect` : ''} (docs/profiles.md)`,
  };
}
