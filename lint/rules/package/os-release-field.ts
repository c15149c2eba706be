// The fields composable reads from os-release (docs/contract.md, "os-release"): NAME, ID and
// VERSION_ID are required; COMPOSABLE_* fields must be known and have a valid value.
import { PackageOsReleaseSchema, COMPOSABLE_FIELDS } from '../../../sdk/schema/os-release.ts';
import { schemaProblems } from '../../../sdk/schema/issues.ts';
import { suggest } from '../../directives.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/os-release-field',
    severity: 'error',
    description: 'Missing or invalid os-release fields (NAME, ID, VERSION_ID, COMPOSABLE_*)',
    messages: {
      missing: '{{field}}= is missing from os-release',
      invalid: '{{field}}={{value}} {{problem}}',
      unknown: 'Unknown field {{field}}=; composable reads only {{known}}',
    },
    hint: {
      missing: 'Add {{field}}=... to {{file}}: {{meaning}}.',
      invalid: 'Fix the value of {{field}}= (docs/contract.md, "os-release").',
      unknown: 'Remove it or correct the spelling{{suggestion}}.',
    },
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    if (!os) return;
    const lines = os.text.split(/\r?\n/);
    const lineRange = (key: string) => {
      const entry = [...os.entries].reverse().find((e) => e.key === key);
      if (!entry) return undefined;
      const length = (lines[entry.line - 1] ?? '').length;
      return { line: entry.line, column: 1, endLine: entry.line, endColumn: length + 1 };
    };
    const meaning: Record<string, string> = {
      NAME: 'a human-readable name',
      ID: 'the package name, which prefixes its unit names',
      VERSION_ID: 'the package version',
    };
    const checked = PackageOsReleaseSchema.safeParse(os.fields);
    if (!checked.success) {
      for (const p of schemaProblems(checked.error.issues)) {
        const field = p.path.split(/[.[]/)[0] ?? '';
        if (!field) continue; // the COMPOSABLE_ refinement: reported per field below
        const range = lineRange(field);
        if (range === undefined) {
          ctx.report({
            messageId: 'missing',
            data: { field, file: os.relPath, meaning: meaning[field] ?? 'see docs/contract.md' },
            file: os.file,
          });
        } else {
          ctx.report({ messageId: 'invalid', data: { field, value: os.fields[field] ?? '', problem: p.message }, file: os.file, range });
        }
      }
    }
    for (const key of Object.keys(os.fields)) {
      if (!key.startsWith('COMPOSABLE_') || (COMPOSABLE_FIELDS as readonly string[]).includes(key)) continue;
      const close = suggest(key, COMPOSABLE_FIELDS);
      ctx.report({
        messageId: 'unknown',
        data: { field: key, known: COMPOSABLE_FIELDS.join(', '), suggestion: close ? `; did you mean ${close}?` : '' },
        file: os.file,
        range: lineRange(key),
      });
    }
  },
};
