// The package's directory or artifact should be named after its ID, so the name people see is
// the name units carry. portablectl goes further: it attaches the units whose names start with
// the image's name up to the first `_` (`logship_1.4.2.raw` → `logship`), so a package that is
// also a portable image must be named `ID` or `ID_VERSION`; `ID-VERSION` (the store's naming)
// would make portablectl look for units named `logship-1.4.2*`.
import type { PackageRule } from '../../types.ts';
import { portableApplies, portablePrefixOf } from '../portable/common.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/name-mismatch',
    severity: 'warning',
    description: 'Package directories or artifacts not named after the package ID (for portable images, as portablectl derives it)',
    messages: {
      mismatch: 'Package is named "{{dir}}" but its os-release says ID={{id}}',
      portable: 'Package is named "{{dir}}", from which portablectl derives the unit prefix "{{prefix}}", not ID={{id}}',
    },
    hint: {
      mismatch:
        'Name it {{id}} or {{id}}_{{version}} (`composable pack --format raw` writes {{id}}_{{version}}.raw, ' +
        "which portablectl attaches as is), or change ID=, which also renames its units' prefix.",
      portable:
        'Name it {{id}} (a directory) or {{id}}_{{version}}.raw (`composable pack --format raw`): portablectl ' +
        'takes the image name up to its first "_" as the prefix of the units it attaches.',
    },
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    const id = os?.fields.ID;
    if (!os || !id) return;
    const version = os.fields.VERSION_ID ?? '';
    const dir = ctx.pkg.dirName;
    const entry = os.entries.find((e) => e.key === 'ID');
    const range = entry ? { line: entry.line, column: 1, endLine: entry.line, endColumn: 4 + id.length } : undefined;
    const data = { dir, id, version: version || 'VERSION' };
    if (dir === id || (version && dir === `${id}_${version}`)) return;
    if (version && dir === `${id}-${version}`) {
      // The store's naming: fine for the generator, but not what portablectl derives the units from.
      if (portableApplies(ctx.pkg, ctx.policy))
        ctx.report({ messageId: 'portable', data: { ...data, prefix: portablePrefixOf(dir).prefix }, file: os.file, range });
      return;
    }
    ctx.report({ messageId: 'mismatch', data, file: os.file, range });
  },
};
