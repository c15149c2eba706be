// privilegeFindings on its own: which directive of a package's unit is refused, and which the
// generated drop-in makes harmless, without a file system.
import { describe, expect, it } from 'vitest';
import { privilegeFindings, type PrivilegeContext } from '../../../generator/plan/privileges.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';

const base: PrivilegeContext = {
  name: 'app',
  where: '/opt/composable/app',
  mode: 'host',
  profile: 'default',
  unitName: 'app.service',
  ownUnits: ['app.service', 'app.socket'],
  ownDirectories: ['app'],
};
const codes = (text: string, ctx: Partial<PrivilegeContext> = {}): string[] =>
  privilegeFindings(parseUnitFile(text), { ...base, ...ctx }).map((f) => `${f.code}@${f.entry.range?.line}`);

describe('privilegeFindings: the directive table', () => {
  it('names the line of each refused entry', () => {
    expect(codes('[Unit]\nConflicts=app.socket db.service\n[Service]\nPermissionsStartOnly=yes\nStandardOutput=file:/etc/motd\n')).toEqual([
      'directive-unit-foreign@2',
      'directive-privileged@4',
      'directive-path-outside@5',
    ]);
  });

  it('After= may order after any mount (a volume the engine bound in); pulling the mount in is refused', () => {
    expect(codes('[Unit]\nAfter=results.mount network.target\n')).toEqual([]);
    expect(codes('[Unit]\nAfter=db.service\nRequires=results.mount\nRequiresMountsFor=/results\n')).toEqual([
      'directive-unit-foreign@2',
      'directive-unit-foreign@3',
      'directive-path-outside@4',
    ]);
  });

  it('refuses nothing under the trusted profile', () => {
    expect(codes('[Service]\nPermissionsStartOnly=yes\nExecStart=/bin/x "\n', { profile: 'trusted' })).toEqual([]);
  });

  it('User= is refused only when the metadata names a user the drop-in would then not reset', () => {
    const unit = '[Service]\nUser=root\nSupplementaryGroups=disk\n';
    expect(codes(unit)).toEqual([]); // no user in the metadata: the service runs as root anyway
    expect(
      codes(unit, {
        generated: [
          ['User', 'daemon'],
          ['Group', ''],
          ['SupplementaryGroups', ''],
        ],
      }),
    ).toEqual([]);
    expect(codes(unit, { generated: [['User', 'daemon']] })).toEqual(['directive-privileged@3']);
  });

  it('AmbientCapabilities= is harmless only when the drop-in resets the bounding set', () => {
    const unit = '[Service]\nAmbientCapabilities=CAP_SYS_ADMIN\n';
    expect(codes(unit)).toEqual(['directive-privileged@2']);
    expect(
      codes(unit, {
        generated: [
          ['CapabilityBoundingSet', ''],
          ['CapabilityBoundingSet', 'CAP_CHOWN'],
        ],
      }),
    ).toEqual([]);
  });

  it('a key of another unit type, or in a section this unit type has not, is unknown', () => {
    expect(codes('[Service]\nListenStream=/run/app/s\n[Timer]\nOnBootSec=1\n')).toEqual(['directive-unknown@2', 'directive-unknown@4']);
  });

  it('a path below the package is checked with the reader: a link out is refused', () => {
    const resolveInPackage = (rel: string) =>
      rel.startsWith('etc/') ? { ok: false as const, message: 'etc is a link to /etc' } : { ok: true as const };
    expect(
      codes('[Service]\nEnvironmentFile=/opt/composable/app/etc/env\nEnvironmentFile=/opt/composable/app/share/env\n', {
        resolveInPackage,
      }),
    ).toEqual(['directive-path-outside@2']);
  });

  it('without the unit name (the linter today) only the Exec, credential and chroot checks run', () => {
    expect(codes('[Unit]\nConflicts=db.service\n[Service]\nExecStartPre=+/bin/x\n', { unitName: undefined })).toEqual([
      'exec-privileged-prefix@4',
    ]);
  });
});
