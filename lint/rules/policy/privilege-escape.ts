// What the generator refuses in a package's units under every profile but `trusted`
// (generator/plan/privileges.ts): Exec*= commands with `+`, `!` or `!!`, credentials loaded from outside
// the package and its own credentials directory, and in chroot mode binds, images and extensions
// from outside the package. The profile and mode are the package's (COMPOSABLE_PROFILE,
// COMPOSABLE_MODE); metadata can override both, and the generator decides with those.
import { stablePath } from '../../../sdk/contract.ts';
import { declaredDirectories, privilegeFindings, type PrivilegeContext } from '../../../generator/plan/privileges.ts';
import type { Directive } from '../../../generator/plan/profiles.ts';
import type { LintPackage, LintUnit, UnitRule } from '../../types.ts';
import { resolveInPackage } from '../helpers.ts';
import { composableDropIn } from './settings.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'policy/privilege-escape',
    severity: 'error',
    description:
      'Settings that lift the privileges the profile gives or make PID 1 act outside the package: + ! !! commands, foreign credentials, paths, units and system actions',
    messages: { escape: '{{message}}; the generator skips the package ({{code}})' },
    hint: {
      escape:
        'Remove it, or ask for COMPOSABLE_PROFILE=trusted if the sidecar really needs it: it runs trusted only where the metadata names `trusted`.',
    },
    docs:
      'Under every profile but `trusted` the generator skips a package whose unit or drop-ins contain ' +
      'one of these. `+` runs a command without User=, namespaces or capability limits; `!`/`!!` ' +
      'skip the user change; systemd reads `LoadCredential=` files as root, so a package could read ' +
      'any file through it; in chroot mode `BindPaths=`, `BindReadOnlyPaths=`, `MountImages=`, `ExtensionImages=`, ' +
      '`ExtensionDirectories=` and `RootImage=` may only name paths below the package (and the journal ' +
      'sockets, machine ID and resolv.conf the chroot profile binds itself). In a package, every other ' +
      'directive is judged by the table of docs/profiles.md, as the generator judges it: a path PID 1 ' +
      "opens, creates or removes must resolve inside the package or the service's own directories, a " +
      "unit named must be one of the package's own or an ordering target, and settings that act on the " +
      'whole container (`SuccessAction=poweroff`, `PermissionsStartOnly=`) are for `trusted` only.',
  },
  check(ctx) {
    const pkg = ctx.pkg;
    const manifest = pkg?.manifest;
    const name = manifest?.name ?? pkg?.name ?? ctx.unit.name.replace(/[@.].*$/, '');
    const base: PrivilegeContext = {
      name,
      where: stablePath(name),
      mode: manifest?.mode ?? 'host',
      profile: manifest?.profile ?? 'default',
    };
    // A loose unit file: only the checks that need no package (the directive table needs the
    // package's own units and directories to tell them from the container's).
    const context: PrivilegeContext = pkg
      ? {
          ...base,
          unitName: ctx.unit.name,
          ownUnits: [...new Set(pkg.units.map((u) => u.name))],
          ownDirectories: pkg.units.flatMap((u) => declaredDirectories(u.parsed)),
          prefixes: pkg.prefixes,
          // As the generator's reader: a path missing at its end still resolved inside so far.
          resolveInPackage: (rel) => {
            const r = resolveInPackage(pkg, rel, false);
            return r.kind === 'found' || r.kind === 'missing'
              ? { ok: true }
              : { ok: false, message: `${rel} resolves through a symbolic link out of the package` };
          },
          generated: generatedDirectives(pkg, ctx.unit),
        }
      : base;
    for (const f of privilegeFindings(ctx.unit.parsed, context)) {
      // An unknown directive or section is unit/unknown-directive's finding; one report is enough.
      if (f.code === 'directive-unknown') continue;
      ctx.report({ messageId: 'escape', data: { message: f.message, code: f.code }, range: ctx.valueRange(f.entry) });
    }
  },
};

/** What the generator's drop-in for the unit (a drop-in's unit) sets: values it resets are not the package's. */
function generatedDirectives(pkg: LintPackage, unit: LintUnit): Directive[] {
  const main = pkg.units.find((u) => u.name === unit.name && u.dropIn === undefined) ?? unit;
  return composableDropIn(pkg, main)?.generated ?? [];
}
