// The generator's writing edge: the planned files into the output directory, each written
// atomically and never over an existing file (as systemd's own generators refuse to).
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { STATUS_PATH, hostPath } from '../contract.ts';
import type { OutputFile } from '../plan/types.ts';
import type { Status } from '../schema/status.ts';
import { atomicWriteFile } from './atomic-write.ts';

export interface WriteError {
  path: string;
  message: string;
}

export function writePlanFiles(outDir: string, files: readonly OutputFile[]): WriteError[] {
  const errors: WriteError[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const full = join(outDir, f.path);
    const dir = dirname(full);
    try {
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      if (f.kind === 'file') atomicWriteFile(full, f.content, { noReplace: true });
      else symlinkSync(f.target, full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push({ path: f.path, message: code === 'EEXIST' ? `${f.path} already exists in ${outDir}; not overwriting it` : (e as Error).message });
    }
  }
  return errors;
}

export function writeStatus(status: Status, root: string = process.env.COMPOSABLE_ROOT ?? '/'): void {
  atomicWriteFile(hostPath(STATUS_PATH, root), `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644, mkdirMode: 0o755 });
}

/** `---path---` then the content (or `-> target` for a symlink), for `composable generate --dry-run`. */
export function renderDryRun(files: readonly OutputFile[], status: Status): string {
  let out = '';
  for (const f of files) out += `---${f.path}---\n${f.kind === 'file' ? f.content : `-> ${f.target}\n`}`;
  out += `---status.json---\n${JSON.stringify(status, null, 2)}\n`;
  return out;
}
