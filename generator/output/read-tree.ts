// Reading a generator output directory back: the one reader behind `composable apply` (what systemd
// runs now), the golden tests (what the generator wrote) and the benches (the same tree from two
// builds). Entries come in the planner's own OutputFile shape, so a tree on disk and a plan made
// offline compare directly; directories are listed too, each before what it holds.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputFile } from '../plan/types.ts';

export type OutputTreeEntry = OutputFile | { kind: 'dir'; path: string };

export interface ReadOutputTreeOptions {
  /** How many directory levels below `dir` to descend (a generator writes two: `x.d/`, `y.wants/`). */
  maxDepth?: number;
}

/**
 * Every entry below `dir`, depth first with names sorted, so equal trees give equal lists. A missing
 * or unreadable directory reads as empty (systemd removes generator directories between runs).
 */
export function readOutputTree(dir: string, opts: ReadOutputTreeOptions = {}): OutputTreeEntry[] {
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const out: OutputTreeEntry[] = [];
  const walk = (rel: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) out.push({ kind: 'symlink', path, target: readlinkSync(join(dir, path)) });
      else if (st.isDirectory()) {
        out.push({ kind: 'dir', path });
        if (depth < maxDepth) walk(path, depth + 1);
      } else if (st.isFile()) out.push({ kind: 'file', path, content: readFileSync(join(dir, path), 'utf8') });
    }
  };
  walk('', 0);
  return out;
}

/** Only the files and links: what the planner's `GeneratorPlan.files` holds. */
export function outputFilesOf(entries: readonly OutputTreeEntry[]): OutputFile[] {
  return entries.filter((e): e is OutputFile => e.kind !== 'dir');
}
