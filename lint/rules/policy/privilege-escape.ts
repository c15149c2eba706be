// What the generator refuses in a package's units under every profile but `trusted`
// (generator/plan/privileges.ts): Exec*= commands with `+`, `!` or `!!`, credentials loaded from outside
// the package and its own credentials directory, and in chroot mode binds, images and extensions
// from outside the package. The profile and mode are the package's (COMPOSABLE_PROFILE,
// COMPOSABLE_MODE); metadata can override both, and the generator decides with those.
import { stablePath } from '../../../sdk/contract.ts';
import { privilegeFindings } from '../../../generator/plan/privileges.ts';
import type { UnitRule } from '../../types.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'policy/privilege-escape',
    severity: 'error',
    description: 'Settings that lift the privileges the profile gives: + ! !! commands, foreign credentials, chroot binds to the container',
    messages: { escape: '{{message}}; the generator skips the package ({{code}})' },
    hint: {
      escape: 'Remove it, or set COMPOSABLE_PROFILE=trusted if the sidecar really needs it (the agent must allow that profile).',
    },
    docs:
      'Under every profile but `trusted` the generator skips a package whose unit or drop-ins contain ' +
      'one of these. `+` runs a command without User=, namespaces or capability limits; `!`/`!!` ' +
      'skip the user change; systemd reads `LoadCredential=` files as root, so a package could read ' +
      'any file through it; in chroot mode `BindPaths=`, `BindReadOnlyPaths=`, `MountImages=`, `ExtensionImages=`, ' +
      '`ExtensionDirectories=` and `RootImage=` may only name paths below the package (and the journal ' +
      'sockets, machine ID and resolv.conf the chroot profile binds itself).',
  },
  check(ctx) {
    const manifest = ctx.pkg?.manifest;
    const name = manifest?.name ?? ctx.pkg?.name ?? ctx.unit.name.replace(/[@.].*$/, '');
    const findings = privilegeFindings(ctx.unit.parsed, {
      name,
      where: stablePath(name),
      mode: manifest?.mode ?? 'host',
      profile: manifest?.profile ?? 'default',
    });
    for (const f of findings)
      ctx.report({ messageId: 'escape', data: { message: f.message, code: f.code }, range: ctx.valueRange(f.entry) });
  },
};
