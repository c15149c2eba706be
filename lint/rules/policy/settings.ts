// A service's effective [Service] settings as composable runs it: its own file, its drop-ins, then
// what the generator adds for the package's profile and mode. Shared by policy rules.
import { PROFILE_DIRECTIVES } from '../../../generator/plan/profiles.ts';
import type { Profile } from '../../../sdk/contract.ts';
import type { UnitContext } from '../../types.ts';
import type { Settings } from '../../util/exposure.ts';
import { entriesOf, packageMode, packageProfile, unitFiles } from '../helpers.ts';

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

export function effectiveService(ctx: UnitContext): EffectiveService {
  const s: Settings = new Map();
  for (const unit of unitFiles(ctx)) for (const { entry } of entriesOf(unit.parsed, 'Service')) assign(s, entry.key, entry.value);
  if (!ctx.pkg) return { settings: s };
  const profile = packageProfile(ctx.pkg);
  for (const [key, value] of PROFILE_DIRECTIVES[profile as Profile] ?? []) assign(s, key, value);
  if (packageMode(ctx.pkg) === 'chroot') s.set('RootDirectory', '/opt/composable');
  return { settings: s, profile };
}
