// Programs without the executable bit: ELF executables, scripts with a #! line, and files in
// bin/sbin/libexec directories. systemd cannot run them ("Permission denied").
import type { PackageRule } from '../../types.ts';
import { isElf, parseShebang } from '../../../sdk/artifact/elf.ts';
import { packageElf, readHead } from '../helpers.ts';

const BIN_DIR = /^(usr\/(local\/)?)?(s?bin)\/[^/]+$|^usr\/libexec\//;
const LIBRARY = /\.so(\.[0-9.]+)?$|\.(a|o|ko)$/;

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/missing-exec-bit',
    severity: 'warning',
    description: 'Executables (ELF programs, #! scripts, files in bin directories) without the executable bit',
    messages: { noExec: '{{path}} is {{what}} but not executable (mode {{mode}})' },
    hint: 'chmod 0755 {{path}} before packing (composable pack keeps the mode).',
  },
  check(ctx) {
    for (const f of ctx.pkg.files) {
      if (f.type !== 'file' || f.mode & 0o111 || LIBRARY.test(f.relPath)) continue;
      const head = readHead(ctx.pkg, f.relPath, 64);
      let what: string | undefined;
      if (isElf(head)) {
        const elf = packageElf(ctx.pkg, f.relPath);
        // Shared libraries are ET_DYN without an interpreter; only executables need +x.
        if (elf && (elf.type === 2 || (elf.type === 3 && elf.interpreter))) what = 'an ELF executable';
      } else if (parseShebang(head)) what = 'a script';
      else if (BIN_DIR.test(f.relPath)) what = 'in a bin directory';
      if (what)
        ctx.report({
          messageId: 'noExec',
          data: { path: f.relPath, what, mode: f.mode.toString(8).padStart(4, '0') },
          file: ctx.pkg.path(f.relPath),
        });
    }
  },
};
