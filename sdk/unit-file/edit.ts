// Edits on the model. They mutate the model in place and touch only the nodes they change, so
// every other line formats back byte-identical.
import type { EntryNode, UnitFile, UnitSection } from './types.ts';

export function addSection(file: UnitFile, name: string): UnitSection {
  const section: UnitSection = { name, header: { type: 'section', name }, nodes: [] };
  const last = file.sections[file.sections.length - 1];
  // Keep a blank line between sections, as people write them.
  if (last && (last.nodes.length === 0 || last.nodes[last.nodes.length - 1]!.type !== 'blank')) last.nodes.push({ type: 'blank' });
  if (!last && file.preamble.length > 0 && file.preamble[file.preamble.length - 1]!.type !== 'blank') file.preamble.push({ type: 'blank' });
  file.sections.push(section);
  return section;
}

function lastSection(file: UnitFile, name: string): UnitSection | undefined {
  for (let i = file.sections.length - 1; i >= 0; i--) if (file.sections[i]!.name === name) return file.sections[i];
  return undefined;
}

/** Append `key=value` after the last entry of the (last) section of that name. */
export function addValue(file: UnitFile, section: string, key: string, value: string): EntryNode {
  const s = lastSection(file, section) ?? addSection(file, section);
  const node: EntryNode = { type: 'entry', key, value };
  let at = s.nodes.length;
  while (at > 0 && s.nodes[at - 1]!.type === 'blank') at--;
  s.nodes.splice(at, 0, node);
  return node;
}

/** Remove every assignment of `key` in sections named `section`; returns how many. */
export function removeKey(file: UnitFile, section: string, key: string): number {
  let removed = 0;
  for (const s of file.sections) {
    if (s.name !== section) continue;
    const before = s.nodes.length;
    s.nodes = s.nodes.filter((n) => !(n.type === 'entry' && n.key === key));
    removed += before - s.nodes.length;
  }
  return removed;
}

/** Make `key` have exactly one assignment, `value`: the first one is rewritten, the others removed. */
export function setValue(file: UnitFile, section: string, key: string, value: string): EntryNode {
  let kept: EntryNode | undefined;
  for (const s of file.sections) {
    if (s.name !== section) continue;
    s.nodes = s.nodes.filter((n) => {
      if (n.type !== 'entry' || n.key !== key) return true;
      if (kept) return false;
      kept = n;
      return true;
    });
  }
  if (!kept) return addValue(file, section, key, value);
  if (kept.value !== value) {
    kept.value = value;
    delete kept.raw;
  }
  return kept;
}
