// Edits on the model. They MUTATE the model they are given (and return the node or section they
// made), and touch only the nodes they change: every other node keeps its `raw` text, so it
// formats back byte-identical. A changed or new node loses `raw` and is rendered cleanly.
// Keys, values and section names that a unit file cannot hold (a line break, a value ending in a
// backslash, which would join the next line) are refused with a TypeError: that is a bug in the
// caller, not a user error.
import type { EntryNode, UnitFile, UnitNode, UnitSection } from './types.ts';
import { isSafeString, skipWhitespace, skipWhitespaceBackward } from './syntax.ts';

const LINE_BREAK = /[\n\r\0]/;

function checkSectionName(name: string): void {
  if (!isSafeString(name) || LINE_BREAK.test(name)) {
    throw new TypeError(`section name ${JSON.stringify(name)} cannot be written: no quotes, backslashes or control characters`);
  }
}

function checkKey(key: string): void {
  if (
    key === '' ||
    key.includes('=') ||
    LINE_BREAK.test(key) ||
    skipWhitespace(key) !== 0 ||
    skipWhitespaceBackward(key) !== key.length ||
    /^[#;[]/.test(key)
  ) {
    throw new TypeError(
      `key ${JSON.stringify(key)} cannot be written: it must be non-empty, without "=", line breaks ` +
        `or surrounding whitespace, and not start with #, ; or [`,
    );
  }
}

function checkValue(value: string): void {
  if (LINE_BREAK.test(value)) throw new TypeError(`value ${JSON.stringify(value)} cannot be written: it contains a line break`);
  let n = 0;
  for (let i = value.length - 1; i >= 0 && value[i] === '\\'; i--) n++;
  if (n % 2 === 1) throw new TypeError(`value ${JSON.stringify(value)} cannot be written: a trailing backslash would continue the line`);
  if (skipWhitespace(value) !== 0 || skipWhitespaceBackward(value) !== value.length) {
    throw new TypeError(`value ${JSON.stringify(value)} cannot be written: systemd strips leading and trailing whitespace`);
  }
}

function isBlank(n: UnitNode | undefined): boolean {
  return n !== undefined && n.type === 'blank';
}

/**
 * Append a new `[name]` section at the end of the file (systemd merges repeated headers, so a
 * second section of the same name is allowed), with a blank line before it when the file does
 * not already end with one.
 */
export function addSection(file: UnitFile, name: string): UnitSection {
  checkSectionName(name);
  const section: UnitSection = { name, header: { type: 'section', name }, nodes: [] };
  const last = file.sections[file.sections.length - 1];
  if (last) {
    if (!isBlank(last.nodes[last.nodes.length - 1])) last.nodes.push({ type: 'blank' });
  } else if (file.preamble.length > 0 && !isBlank(file.preamble[file.preamble.length - 1])) {
    file.preamble.push({ type: 'blank' });
  }
  file.sections.push(section);
  return section;
}

function lastSection(file: UnitFile, name: string): UnitSection | undefined {
  for (let i = file.sections.length - 1; i >= 0; i--) if (file.sections[i]!.name === name) return file.sections[i];
  return undefined;
}

/**
 * Append `key=value` to the last section named `section` (created at the end of the file when
 * missing): right after the section's last entry; in a section without entries, after its
 * leading comments and before its trailing blank lines.
 */
export function addValue(file: UnitFile, section: string, key: string, value: string): EntryNode {
  checkKey(key);
  checkValue(value);
  const s = lastSection(file, section) ?? addSection(file, section);
  const node: EntryNode = { type: 'entry', key, value };
  let at = -1;
  for (let i = s.nodes.length - 1; i >= 0; i--) {
    if (s.nodes[i]!.type === 'entry') {
      at = i + 1;
      break;
    }
  }
  if (at < 0) {
    at = s.nodes.length;
    while (at > 0 && isBlank(s.nodes[at - 1])) at--;
  }
  s.nodes.splice(at, 0, node);
  return node;
}

/** Remove every assignment of `key` in every section named `section`; returns how many. */
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

/**
 * Make `key` have exactly one assignment in `section`, `value`: the first assignment is
 * rewritten in place (unless it already has that value, then it keeps its text), the others are
 * removed; with no assignment, it is added as addValue does.
 */
export function setValue(file: UnitFile, section: string, key: string, value: string): EntryNode {
  checkKey(key);
  checkValue(value);
  let kept: EntryNode | undefined;
  for (const s of file.sections) {
    if (s.name !== section) continue;
    const nodes: UnitNode[] = [];
    for (const n of s.nodes) {
      if (n.type !== 'entry' || n.key !== key) nodes.push(n);
      else if (!kept) {
        kept = n.value === value ? n : { type: 'entry', key, value };
        nodes.push(kept);
      }
    }
    s.nodes = nodes;
  }
  return kept ?? addValue(file, section, key, value);
}
