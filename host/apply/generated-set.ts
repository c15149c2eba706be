// A generated set: the units composable-generator wrote (unit text plus every drop-in) and which
// of them are enabled under which target. Taken from the generator's output directory on disk, or
// from a plan computed offline with the same code, so the two compare byte for byte.
import { DROP_IN_NAME } from '../../sdk/contract.ts';
import { GENERATED_BY } from '../../generator/plan/targets.ts';
import type { OutputFile } from '../../generator/plan/types.ts';
import { outputFilesOf, readOutputTree } from '../../generator/output/read-tree.ts';

export interface GeneratedUnit {
  name: string;
  /** The unit file, then each drop-in as `--- <name>` and its text, in name order. */
  fingerprint: string;
}

export interface GeneratedSet {
  units: Map<string, GeneratedUnit>;
  /** Enabled unit -> the target whose .wants/.requires links it. */
  enabledIn: Map<string, string>;
}

const UNIT_NAME = /\.(service|socket|timer|path|target|mount)$/;

/**
 * Build a set from a flat file list (paths relative to the output directory). Only composable's
 * units count: the output directory is shared with systemd's own generators.
 */
export function setFromFiles(files: readonly OutputFile[]): GeneratedSet {
  const texts = new Map<string, string>();
  const dropIns = new Map<string, [string, string][]>();
  const links: [string, string][] = [];
  for (const f of files) {
    const parts = f.path.split('/');
    if (f.kind === 'file' && parts.length === 1 && UNIT_NAME.test(f.path)) texts.set(f.path, f.content);
    else if (f.kind === 'file' && parts.length === 2 && parts[0]!.endsWith('.d')) {
      const unit = parts[0]!.slice(0, -2);
      dropIns.set(unit, [...(dropIns.get(unit) ?? []), [parts[1]!, f.content]]);
    } else if (f.kind === 'symlink' && parts.length === 2 && /\.(wants|requires)$/.test(parts[0]!)) {
      links.push([parts[0]!.replace(/\.(wants|requires)$/, ''), parts[1]!]);
    }
  }
  const ours = (name: string): boolean =>
    (texts.get(name) ?? '').startsWith(`# ${GENERATED_BY}`) ||
    (dropIns.get(name) ?? []).some(([n, t]) => n === DROP_IN_NAME && t.startsWith(`# ${GENERATED_BY}`));
  const units = new Map<string, GeneratedUnit>();
  for (const [name, text] of texts) {
    if (!ours(name)) continue;
    const extra = [...(dropIns.get(name) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    units.set(name, { name, fingerprint: text + extra.map(([n, t]) => `\n--- ${n}\n${t}`).join('') });
  }
  const enabledIn = new Map<string, string>();
  for (const [target, unit] of links) {
    const file = unit.includes('@') ? unit.replace(/@[^.]*\./, '@.') : unit;
    if (units.has(unit) || units.has(file)) enabledIn.set(unit, target);
  }
  return { units, enabledIn };
}

/** Read a generator output directory (e.g. /run/systemd/generator) into a set. */
export function readGeneratedSet(dir: string): GeneratedSet {
  return setFromFiles(outputFilesOf(readOutputTree(dir, { maxDepth: 1 })));
}
