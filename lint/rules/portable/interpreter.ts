// In its own root a program finds only what the image has: a script's #! interpreter, the
// program `#!/usr/bin/env` is asked to find, and a dynamic ELF program's loader (PT_INTERP) must
// all be inside the package, or the service fails with 203/EXEC. (A missing #! interpreter of a
// chroot-mode package is also coherence/exec-format's finding; this rule adds env's program,
// the ELF loader, and host-mode packages checked as portable.)
import { posix } from 'node:path';
import type { UnitRule } from '../../types.ts';
import { isElf, parseShebang } from '../../../sdk/artifact/elf.ts';
import { packageElf, packageMode, readHead, resolveInPackage } from '../helpers.ts';
import { execTargets } from '../coherence/exec-common.ts';
import { portableApplies } from './common.ts';

/** The search path of systemd's default PATH, as package-relative directories. */
const PATH_DIRS = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'];

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'portable/interpreter',
    severity: 'error',
    description: 'Programs whose #! interpreter, env program or ELF loader is not in the portable image',
    messages: {
      shebang: '{{key}}= runs {{rel}}, a script for {{interpreter}}, which the image does not have',
      env: '{{key}}= runs {{rel}}, which asks {{interpreter}} for {{program}}, which the image does not have on PATH',
      loader: '{{key}}= runs {{rel}}, dynamically linked with the loader {{interpreter}}, which the image does not have',
    },
    hint: {
      shebang: 'Ship {{interpreter}} in the package (a static busybox: `composable init DIR --complete-chroot`), or run a static binary.',
      env: "Ship {{program}} in the package's usr/bin (with its libraries), or run a static binary.",
      loader: 'Link {{rel}} statically, or ship {{interpreter}} and every library `ldd {{rel}}` lists.',
    },
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    const pkg = ctx.pkg;
    if (!pkg || !portableApplies(pkg, ctx.policy)) return;
    const chroot = packageMode(pkg) === 'chroot';
    const has = (path: string): boolean => resolveInPackage(pkg, path.replace(/^\/+/, ''), true).kind === 'found';
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (r?.kind !== 'found' || r.entry.type !== 'file') continue;
      const range = ctx.valueRange(t.entry);
      const head = readHead(pkg, r.relPath, 256);
      if (isElf(head)) {
        const interp = packageElf(pkg, r.relPath)?.interpreter;
        if (interp && !has(interp)) ctx.report({ messageId: 'loader', data: { key: t.key, rel: r.relPath, interpreter: interp }, range });
        continue;
      }
      const shebang = parseShebang(head);
      if (!shebang?.interpreter.startsWith('/')) continue;
      const data = { key: t.key, rel: r.relPath, interpreter: shebang.interpreter };
      if (!has(shebang.interpreter)) {
        // In chroot mode coherence/exec-format already says so.
        if (!chroot) ctx.report({ messageId: 'shebang', data, range });
        continue;
      }
      const program =
        posix.basename(shebang.interpreter) === 'env' ? shebang.args.find((a) => !a.startsWith('-') && !a.includes('=')) : undefined;
      if (program && !(program.includes('/') ? has(program) : PATH_DIRS.some((d) => has(`${d}/${program}`)))) {
        ctx.report({ messageId: 'env', data: { ...data, program }, range });
      }
    }
  },
};
