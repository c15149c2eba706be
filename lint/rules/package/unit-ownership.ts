// A package adds units only under its own name (docs/contract.md, "Unit ownership"): a name or a
// PORTABLE_PREFIXES entry that overlaps systemd's or the base system's units (sshd, systemd-*,
// multi-user, getty, ...), the generator's own (composable*), or a unit the base container has
// (policy baseUnits), would let its units replace those. The generator skips such a package.
import { ownershipProblems } from '../../../generator/plan/ownership.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/unit-ownership',
    severity: 'error',
    description: 'Package names, PORTABLE_PREFIXES and units that claim unit names the package does not own',
    messages: { owned: '{{message}}; the generator skips the package ({{code}})' },
    hint: 'Name the package and its units after the sidecar itself; PORTABLE_PREFIXES may only add prefixes nobody else uses.',
    docs:
      "Reserved: the generator's `composable*` units, `systemd-*`, `sshd`, `ssh`, `getty`, `dbus`, " +
      '`user` and the other stems in `RESERVED_UNIT_STEMS` (generator/plan/ownership.ts), and every ' +
      'target of systemd.special(7); a name overlaps one when it is equal, or one of them followed ' +
      'by `-`, `.` or `@` starts the other. The generator also refuses prefixes that overlap another ' +
      'package of the same metadata and units the container already has; lint checks the units listed ' +
      "in the policy's `baseUnits`.",
  },
  check(ctx) {
    const { pkg } = ctx;
    if (!pkg.manifest) return;
    const unitNames = [...new Set(pkg.units.filter((u) => !u.dropIn).map((u) => u.name))];
    const problems = ownershipProblems({
      name: pkg.manifest.name,
      prefixes: pkg.manifest.prefixes,
      unitNames,
      containerUnits: ctx.policy.baseUnits ? new Set(ctx.policy.baseUnits) : undefined,
    });
    const os = pkg.osRelease;
    const lineOf = (key: string): { line: number; column: number; endLine: number; endColumn: number } | undefined => {
      const entry = os ? [...os.entries].reverse().find((e) => e.key === key) : undefined;
      if (!entry || !os) return undefined;
      return { line: entry.line, column: 1, endLine: entry.line, endColumn: (os.text.split(/\r?\n/)[entry.line - 1] ?? '').length + 1 };
    };
    for (const p of problems) {
      const unit = p.unit ? pkg.units.find((u) => u.name === p.unit && !u.dropIn) : undefined;
      if (unit) ctx.report({ messageId: 'owned', data: { message: p.message, code: p.code }, file: unit.file });
      else
        ctx.report({
          messageId: 'owned',
          data: { message: p.message, code: p.code },
          file: os?.file,
          range: lineOf(p.code === 'name-reserved' ? 'ID' : 'PORTABLE_PREFIXES'),
        });
    }
  },
};
