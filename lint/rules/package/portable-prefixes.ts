// PORTABLE_PREFIXES lists the unit-name prefixes a package may use (portablectl's rule). A prefix
// that is not the package name, or does not start with it, lets the package ship units that
// look like another package's or the container's own.
import { SERVICE_NAME_PATTERN } from '../../../sdk/schema/common.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/portable-prefixes',
    severity: 'warning',
    description: 'PORTABLE_PREFIXES entries that are invalid or not derived from the package name',
    messages: {
      invalid: 'PORTABLE_PREFIXES entry "{{prefix}}" is not a valid unit-name prefix',
      foreign:
        'PORTABLE_PREFIXES entry "{{prefix}}" does not start with the package name {{id}}; its units ' +
        'could collide with other packages or the container',
    },
    hint: {
      invalid: 'Use 1-128 characters of A-Z a-z 0-9 : _ . -, not starting with . or -.',
      foreign: 'Use prefixes like {{id}} or {{id}}-extra, or drop PORTABLE_PREFIXES (it defaults to the ID).',
    },
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    const value = os?.fields.PORTABLE_PREFIXES;
    if (!os || value === undefined) return;
    const id = os.fields.ID ?? ctx.pkg.name;
    const entry = [...os.entries].reverse().find((e) => e.key === 'PORTABLE_PREFIXES');
    const length = entry ? (os.text.split(/\r?\n/)[entry.line - 1] ?? '').length : 0;
    const range = entry ? { line: entry.line, column: 1, endLine: entry.line, endColumn: length + 1 } : undefined;
    for (const prefix of value.split(/\s+/).filter(Boolean)) {
      if (!SERVICE_NAME_PATTERN.test(prefix)) ctx.report({ messageId: 'invalid', data: { prefix }, file: os.file, range });
      else if (prefix !== id && !prefix.startsWith(id)) ctx.report({ messageId: 'foreign', data: { prefix, id }, file: os.file, range });
    }
  },
};
