// When the site's containers run without CAP_SYS_ADMIN (`"policy": { "unprivileged": true }`),
// systemd in them cannot make a mount namespace for a service. The generator then skips a
// package whose service would fail for it (DynamicUser=, RootDirectory=, ...; chroot mode; the
// strict profile), and systemd silently leaves out the sandboxing that only restricts
// (ProtectSystem=, PrivateTmp=, ...). Measured in an unprivileged podman container: docs/profiles.md.
import { settingsNeedingNamespace, WITHOUT_EFFECT_UNPRIVILEGED } from '../../../generator/plan/unprivileged.ts';
import { parseBoolean } from '../../../sdk/unit-file/values.ts';
import type { EntryNode, SourceRange } from '../../../sdk/unit-file/types.ts';
import type { PackageRule } from '../../types.ts';
import { entriesOf, packageMode, packageProfile } from '../helpers.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'policy/unprivileged-container',
    severity: 'warning',
    description:
      'Settings that fail, or do nothing, in containers without CAP_SYS_ADMIN, when the policy says the containers run unprivileged',
    messages: {
      fails:
        '{{key}}={{value}} needs a mount namespace, which systemd cannot make in a container without ' +
        'CAP_SYS_ADMIN; the generator skips the package there',
      profile:
        'Profile strict needs a mount namespace, which systemd cannot make in a container without CAP_SYS_ADMIN; ' +
        'the generator skips the package there',
      chroot:
        'Chroot mode runs the services with RootDirectory=, which needs a mount namespace; the generator ' +
        'skips the package in a container without CAP_SYS_ADMIN',
      ignored: '{{key}}={{value}} has no effect in a container without CAP_SYS_ADMIN: systemd starts the service without it',
    },
    hint: {
      fails: 'Drop {{key}}= (for DynamicUser=, have the agent set "user"), or run the containers with CAP_SYS_ADMIN.',
      profile:
        'Use COMPOSABLE_PROFILE=default or nonetwork, which run unprivileged without their read-only ' +
        '/usr and /etc, or run the containers with CAP_SYS_ADMIN.',
      chroot: 'Use COMPOSABLE_MODE=host, or run the containers with CAP_SYS_ADMIN.',
      ignored:
        'Do not rely on it there; restrict the service with User=, CapabilityBoundingSet= or RestrictAddressFamilies=, which work unprivileged.',
    },
    docs:
      'Only with `"policy": { "unprivileged": true }` in composable-lint.json. podman, CRI-O and containerd give containers no ' +
      '`CAP_SYS_ADMIN` by default; the generator then skips packages that need a mount namespace and runs the others in the ' +
      "profile's unprivileged variant (docs/profiles.md lists what was measured). Packages the engine mounts at " +
      '`/opt/composable/<name>` need no capability.',
  },
  check(ctx) {
    if (ctx.policy.unprivileged !== true) return;
    const { pkg } = ctx;
    const os = pkg.osRelease;
    const osLine = (key: string) => {
      const e = os?.entries.find((x) => x.key === key);
      return e
        ? { line: e.line, column: 1, endLine: e.line, endColumn: (os!.text.split(/\r?\n/)[e.line - 1] ?? '').length + 1 }
        : undefined;
    };
    if (packageProfile(pkg) === 'strict') ctx.report({ messageId: 'profile', file: os?.file, range: osLine('COMPOSABLE_PROFILE') });
    if (packageMode(pkg) === 'chroot') ctx.report({ messageId: 'chroot', file: os?.file, range: osLine('COMPOSABLE_MODE') });
    const range = (e: EntryNode): SourceRange | undefined => e.valueRange ?? e.range;
    for (const unit of pkg.units) {
      if (unit.type !== 'service' || unit.dropIn) continue;
      const dropIns = pkg.units.filter((u) => u.dropIn && u.name === unit.name).sort((a, b) => (a.dropIn! < b.dropIn! ? -1 : 1));
      const files = [unit, ...dropIns];
      for (const { entry, origin } of settingsNeedingNamespace(files.map((f) => ({ unit: f.parsed, origin: f })))) {
        ctx.report({ messageId: 'fails', data: { key: entry.key, value: entry.value }, file: origin.file, range: range(entry) });
      }
      for (const f of files) {
        for (const { entry } of entriesOf(f.parsed, 'Service')) {
          if (!WITHOUT_EFFECT_UNPRIVILEGED.has(entry.key) || entry.value === '' || parseBoolean(entry.value) === false) continue;
          ctx.report({ messageId: 'ignored', data: { key: entry.key, value: entry.value }, file: f.file, range: range(entry) });
        }
      }
    }
  },
};
