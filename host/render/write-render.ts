// Writing a render to disk: `<out>/units/` (through the generator's own writer, so the bytes are
// the node generator's), status.json, render.json and render.checks. The whole directory appears
// at once: it is written beside `<out>` and renamed into place, so an engine binding `<out>` into a
// container never binds half a render, and a re-render replaces the old one whole.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writePlanFiles } from '../../generator/output/write-tree.ts';
import { RenderError, type Render, renderDocuments } from './render.ts';

export function writeRender(out: string, render: Render): void {
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(out)}.new-${process.pid}`);
  const old = join(parent, `.${basename(out)}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'units'), { recursive: true, mode: 0o755 });
    const errors = writePlanFiles(join(tmp, 'units'), render.files);
    if (errors.length > 0) throw new RenderError(`cannot write the rendered units: ${errors.map((e) => e.message).join('; ')}`);
    // render.json last (renderDocuments' order): the sh generator treats a directory without it as no render at all.
    for (const d of renderDocuments(render)) writeFileSync(join(tmp, d.path), d.content, { mode: 0o644 });
    let replaced = false;
    try {
      renameSync(out, old);
      replaced = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    renameSync(tmp, out);
    if (replaced) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
