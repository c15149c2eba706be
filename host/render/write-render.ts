// Writing a render to disk: `<out>/units/` (through the generator's own writer, so the bytes are
// the node generator's), status.json, render.json and render.checks. The whole directory appears
// at once: it is written beside `<out>` and renamed into place, so an engine binding `<out>` into a
// container never binds half a render, and a re-render replaces the old one whole.
import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * Replace the render in `out` in place, for a directory an engine has bind-mounted (the mount holds
 * the directory, so a new one renamed over its name would not be seen). render.json goes first and
 * comes back last: in between the sh generator sees no render at all, never a mix of two. The new
 * units/ is written beside the old one and renamed over it.
 */
export function replaceRenderContents(out: string, render: Render): void {
  const fresh = join(out, `.units.new-${process.pid}`);
  const old = join(out, `.units.old-${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  mkdirSync(fresh, { mode: 0o755 });
  try {
    const errors = writePlanFiles(fresh, render.files);
    if (errors.length > 0) throw new RenderError(`cannot write the rendered units: ${errors.map((e) => e.message).join('; ')}`);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
  try {
    unlinkSync(join(out, 'render.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    renameSync(join(out, 'units'), old);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  renameSync(fresh, join(out, 'units'));
  rmSync(old, { recursive: true, force: true });
  for (const d of renderDocuments(render)) {
    const tmp = join(out, `.${d.path}.new-${process.pid}`);
    writeFileSync(tmp, d.content, { mode: 0o644 });
    renameSync(tmp, join(out, d.path));
  }
}
