// How each Exec*= ELF program is linked. A dynamically linked program in host mode loads its
// shared libraries from the container, so the container must have them; a static one does not care.
import type { UnitRule } from '../../types.ts';
import { packageElf, packageMode } from '../helpers.ts';
import { execTargets } from './exec-common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/elf-linkage',
    severity: 'info',
    description: 'Whether Exec*= ELF programs are statically or dynamically linked',
    messages: {
      static: '{{rel}} is a statically linked {{machine}} program',
      dynamic: '{{rel}} is dynamically linked ({{interpreter}}); {{consequence}}',
    },
    hint: {
      static: 'Nothing to do: it runs in any container of this architecture.',
      dynamic: 'Check with `ldd {{rel}}` that {{where}} has every library, or link it statically.',
    },
  },
  check(ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return;
    const chroot = packageMode(pkg) === 'chroot';
    const seen = new Set<string>();
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (r?.kind !== 'found' || r.entry.type !== 'file' || seen.has(r.relPath)) continue;
      seen.add(r.relPath);
      const elf = packageElf(pkg, r.relPath);
      if (!elf) continue;
      const range = ctx.valueRange(t.entry);
      if (elf.interpreter) {
        ctx.report({
          messageId: 'dynamic',
          data: {
            rel: r.relPath,
            interpreter: elf.interpreter,
            consequence: chroot
              ? 'the package must ship its libraries and loader'
              : 'in host mode the container must provide its shared libraries',
            where: chroot ? 'the package' : 'every container it runs in',
          },
          range,
        });
      } else ctx.report({ messageId: 'static', data: { rel: r.relPath, machine: elf.machineName }, range });
    }
  },
};
