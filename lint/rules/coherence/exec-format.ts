// Exec*= programs in the package that cannot run on this machine: an ELF for another architecture,
// a script whose interpreter is neither in the package nor (host mode) in a standard directory,
// or a file that is neither.
import type { UnitRule } from '../../types.ts';
import { ELF_MACHINES, hostElfMachine, isElf, parseShebang } from '../../../sdk/artifact/elf.ts';
import { packageElf, packageMode, readHead, resolveInPackage, STANDARD_DIRS } from '../helpers.ts';
import { execTargets } from './exec-common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/exec-format',
    severity: 'error',
    description: 'Exec*= programs built for another architecture, scripts without their interpreter, and non-executable formats',
    messages: {
      arch: '{{key}}= runs {{rel}}, an ELF for {{machine}}; this machine is {{host}}',
      interpreter: '{{key}}= runs {{rel}}, a script for {{interpreter}}, which {{where}}',
      format: '{{key}}= runs {{rel}}, which is neither an ELF program nor a script with a #! line',
    },
    hint: {
      arch: 'Build the package for {{host}} (or lint it on a machine of its architecture).',
      interpreter: 'Ship {{interpreter}} in the package, or use an interpreter from a standard directory (/usr/bin) in host mode.',
      format: 'Add a #! line naming the interpreter, or point {{key}}= at the real program.',
    },
  },
  check(ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return;
    const chroot = packageMode(pkg) === 'chroot';
    const host = hostElfMachine();
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (r?.kind !== 'found' || r.entry.type !== 'file' || (r.entry.mode & 0o111) === 0) continue;
      const range = ctx.valueRange(t.entry);
      const head = readHead(pkg, r.relPath, 256);
      if (isElf(head)) {
        const elf = packageElf(pkg, r.relPath);
        if (elf && host !== undefined && elf.machine !== host) {
          ctx.report({
            messageId: 'arch',
            data: { key: t.key, rel: r.relPath, machine: elf.machineName, host: ELF_MACHINES[host] ?? process.arch },
            range,
          });
        }
        continue;
      }
      const shebang = parseShebang(head);
      if (!shebang) {
        ctx.report({ messageId: 'format', data: { key: t.key, rel: r.relPath }, range });
        continue;
      }
      const interp = shebang.interpreter;
      if (!interp.startsWith('/')) {
        ctx.report({
          messageId: 'interpreter',
          data: { key: t.key, rel: r.relPath, interpreter: interp, where: 'is not an absolute path' },
          range,
        });
        continue;
      }
      const inPackage = resolveInPackage(pkg, interp.slice(1), chroot).kind === 'found';
      if (inPackage) continue;
      if (chroot) {
        ctx.report({
          messageId: 'interpreter',
          data: { key: t.key, rel: r.relPath, interpreter: interp, where: 'is not in the package (chroot mode)' },
          range,
        });
      } else if (!STANDARD_DIRS.some((d) => interp.startsWith(d))) {
        ctx.report({
          messageId: 'interpreter',
          data: { key: t.key, rel: r.relPath, interpreter: interp, where: 'is neither in the package nor in a standard directory' },
          range,
        });
      }
    }
  },
};
