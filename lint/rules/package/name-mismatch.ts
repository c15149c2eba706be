// The package's directory or artifact should be named after its ID (`logship/`,
// `logship-1.4.2/`, `logship-1.4.2.tar.gz`), so the name people see is the name units carry.
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/name-mismatch',
    severity: 'warning',
    description: 'Package directories or artifacts not named after the package ID',
    messages: { mismatch: 'Package is named "{{dir}}" but its os-release says ID={{id}}' },
    hint: 'Name it {{id}} or {{id}}-{{version}} (or change ID=, which also renames its units\' prefix).',
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    const id = os?.fields.ID;
    if (!os || !id) return;
    const version = os.fields.VERSION_ID ?? '';
    const dir = ctx.pkg.dirName;
    if (dir === id || (version && (dir === `${id}-${version}` || dir === `${id}_${version}`))) return;
    const entry = os.entries.find((e) => e.key === 'ID');
    ctx.report({
      messageId: 'mismatch',
      data: { dir, id, version: version || 'VERSION' },
      file: os.file,
      range: entry ? { line: entry.line, column: 1, endLine: entry.line, endColumn: 4 + id.length } : undefined,
    });
  },
};
