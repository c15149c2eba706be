// composable init: a new package from a template in templates/<name>/. Every `{{name}}` in file
// names and contents becomes the package name; a `.tmpl` suffix is dropped (so the templates' own
// tests do not run as part of this repository's suite). Existing files are never overwritten.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SERVICE_NAME_PATTERN } from './schema/common.ts';

export const TEMPLATES = ['daemon', 'timer', 'oneshot', 'socket', 'log-shipper'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

export function checkPackageName(name: string): string | undefined {
  if (!SERVICE_NAME_PATTERN.test(name)) {
    return `"${name}" cannot be a package name: use 1-128 characters of A-Z a-z 0-9 : _ . - , not starting with . or - (it becomes unit names like ${name.replace(/[^A-Za-z0-9:_.-]/g, '') || 'name'}.service)`;
  }
  return undefined;
}

export interface PlannedFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** The files a template gives for `name` (pure apart from reading the template). */
export function renderTemplate(templatesDir: string, template: TemplateName, name: string): PlannedFile[] {
  const root = join(templatesDir, template);
  if (!existsSync(root)) throw new ScaffoldError(`template "${template}" not found in ${templatesDir}`);
  const out: PlannedFile[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${entry}` : entry;
      const st = statSync(join(root, r));
      if (st.isDirectory()) walk(r);
      else {
        const path = r.replaceAll('{{name}}', name).replace(/\.tmpl$/, '');
        const content = Buffer.from(readFileSync(join(root, r), 'utf8').replaceAll('{{name}}', name));
        out.push({ path, content, mode: st.mode & 0o777 });
      }
    }
  };
  walk('');
  return out;
}

/** Write the files into `dir`; refuses, listing them, when any already exists. */
export function writeScaffold(dir: string, files: readonly PlannedFile[]): string[] {
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length > 0) throw new ScaffoldError(`not overwriting existing files in ${dir}: ${existing.join(', ')}`);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content, { mode: f.mode, flag: 'wx' });
  }
  return files.map((f) => f.path);
}
