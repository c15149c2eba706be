// Every unit a package ships must carry one of its prefixes (docs/contract.md, "Names"): it is
// `<prefix>.<type>` or starts with `<prefix>-`, `<prefix>.` or `<prefix>@`. The generator skips a
// package that breaks this, so it cannot replace the container's own units.
import { hasPortablePrefix } from '../../../sdk/unit-name.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/unit-prefix',
    severity: 'error',
    description: 'Unit files whose name does not carry the package prefix',
    messages: { prefix: 'Unit {{unit}} does not carry the package prefix ({{prefixes}}); the generator skips the package' },
    hint: 'Rename it to {{example}}, or add a prefix to PORTABLE_PREFIXES.',
  },
  check(ctx) {
    const { pkg } = ctx;
    const seen = new Set<string>();
    for (const unit of pkg.units) {
      if (seen.has(unit.name)) continue;
      seen.add(unit.name);
      if (pkg.prefixes.some((p) => hasPortablePrefix(unit.name, p))) continue;
      const type = unit.type ?? 'service';
      const stem = unit.name.slice(0, unit.name.lastIndexOf('.')).replace(/@$/, '');
      ctx.report({
        messageId: 'prefix',
        data: {
          unit: unit.name,
          prefixes: pkg.prefixes.map((p) => `"${p}"`).join(', '),
          example: `${pkg.prefixes[0]}-${stem}${unit.name.includes('@') ? '@' : ''}.${type}`,
        },
        file: unit.file,
      });
    }
  },
};
