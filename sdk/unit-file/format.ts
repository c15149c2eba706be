// formatUnitFile: the exact original text for nodes that were not edited, clean text for the rest.
import type { UnitFile, UnitNode } from './types.ts';
import { splitPhysicalLines } from './parse.ts';
import { skipWhitespace } from './syntax.ts';

/** The text of one node without its line terminator: `raw` when it has one, else a clean rendering. */
export function renderNode(node: UnitNode): string {
  if (node.raw !== undefined) return node.raw;
  switch (node.type) {
    case 'blank':
      return '';
    case 'comment':
      return `#${node.text}`;
    case 'section':
      return `[${node.name}]`;
    case 'entry':
      return `${node.key}=${node.value}`;
    case 'invalid':
      return '';
  }
}

/** Every node of the file in order: the preamble, then each section's header and nodes. */
export function allNodes(file: UnitFile): UnitNode[] {
  const nodes: UnitNode[] = [...file.preamble];
  for (const s of file.sections) nodes.push(s.header, ...s.nodes);
  return nodes;
}

/**
 * Whether a node read from the source is a continuation still open at the end of the file (its
 * last non-comment line ends in a backslash): a line put after it would be joined to it.
 */
export function isOpenContinuation(node: UnitNode): boolean {
  if (node.raw === undefined || node.type === 'comment' || !node.raw.includes('\\')) return false;
  const lines = splitPhysicalLines(node.raw);
  // A raw text ending in a terminator ends with an empty line that splitting does not list.
  if (/[\n\r\0]$/.test(node.raw)) lines.push({ text: '', eol: '' });
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = lines[i]!.text;
    const first = skipWhitespace(t);
    if (first < t.length && (t[first] === '#' || t[first] === ';')) continue;
    let n = 0;
    for (let k = t.length - 1; k >= 0 && t[k] === '\\'; k--) n++;
    return n % 2 === 1;
  }
  return false;
}

/**
 * The file's text. An unchanged model gives back exactly the string it was parsed from (byte
 * order mark, line terminators and a missing final newline included). Edited nodes are rendered
 * as `Key=value`, `[Section]`, `#comment` and end with the file's `newline`; a node that ended
 * the file without a newline gets one when something now follows it, and a continuation left
 * open at the end of the file gets an empty line after it, which closes it without changing its value.
 */
export function formatUnitFile(file: UnitFile): string {
  const nodes = allNodes(file);
  let out = file.bom ? '\uFEFF' : '';
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const last = i === nodes.length - 1;
    let eol = node.raw !== undefined && node.eol !== undefined ? node.eol : file.newline;
    if (!last) {
      if (eol === '') eol = file.newline;
      if (isOpenContinuation(node)) eol += file.newline;
    }
    out += renderNode(node) + eol;
  }
  return out;
}
