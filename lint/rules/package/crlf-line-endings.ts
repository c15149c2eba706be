// Windows line endings in unit files, drop-ins, os-release and #! scripts. systemd reads a unit
// with CR LF, but a `#!/bin/sh\r` script fails with "bad interpreter" (or `$'\r': command not
// found`), and os-release values, ExecStart= paths and drop-in names read from such files get a
// trailing CR wherever a tool splits lines at LF only. The text is the raw text of the package
// model (unit.text, osRelease.text), not the parsed unit, whose lines have no terminators left.
import type { PackageRule } from '../../types.ts';
import { readHead } from '../helpers.ts';

/** How much of a script is looked at: the first CR LF is almost always on the #! line. */
const SCRIPT_BYTES = 64 * 1024;

/** The first line (1-based) that ends with CR (CR LF, or CR at the end of the text) and its CR's column. */
export function firstCrLine(text: string): { line: number; column: number } | undefined {
  let line = 1;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && (i + 1 === text.length || text.charCodeAt(i + 1) === 10)) return { line, column: i - start + 1 };
    if (c === 10) {
      line++;
      start = i + 1;
    }
  }
  return undefined;
}

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/crlf-line-endings',
    severity: 'error',
    description: 'Unit files, drop-ins, os-release and #! scripts with Windows (CR LF) line endings',
    messages: { crlf: 'line {{line}} ends with CR LF (Windows line endings)' },
    hint: "Convert the file with `sed -i 's/\\r$//' {{path}}` (or dos2unix), and set `* text eol=lf` in .gitattributes so a Windows checkout keeps LF.",
    docs:
      "Reported once per file, at the first line that ends with a carriage return. Scripts are the package's files that start with `#!` " +
      `(their first ${SCRIPT_BYTES / 1024} KiB are looked at).`,
  },
  check(ctx) {
    const { pkg } = ctx;
    const seen = new Set<string>();
    const check = (relPath: string, file: string, text: string): void => {
      seen.add(relPath);
      const at = firstCrLine(text);
      if (!at) return;
      ctx.report({
        messageId: 'crlf',
        data: { line: at.line, path: relPath },
        file,
        range: { line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 },
      });
    };
    if (pkg.osRelease) check(pkg.osRelease.relPath, pkg.osRelease.file, pkg.osRelease.text);
    for (const unit of pkg.units) if (unit.relPath !== undefined) check(unit.relPath, unit.file, unit.text);
    for (const f of pkg.files) {
      if (f.type !== 'file' || seen.has(f.relPath) || f.size < 2) continue;
      const head = readHead(pkg, f.relPath);
      if (head[0] !== 0x23 || head[1] !== 0x21) continue; // `#!`
      const bytes = f.size > head.length ? readHead(pkg, f.relPath, Math.min(f.size, SCRIPT_BYTES)) : head;
      check(f.relPath, pkg.path(f.relPath), bytes.toString('utf8'));
    }
  },
};
