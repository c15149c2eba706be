// formatUnitFile: the exact original bytes for nodes that were not edited, clean text for the rest.
import type { UnitFile, UnitNode } from './types.ts';

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

export function formatUnitFile(file: UnitFile): string {
  const nodes: UnitNode[] = [...file.preamble];
  for (const s of file.sections) nodes.push(s.header, ...s.nodes);
  const cr = file.newline === '\r\n' ? '\r' : '';
  // Raw text keeps its own '\r' on CRLF files; edited nodes get the file's line terminator.
  const lines = nodes.map((n) => (n.raw !== undefined ? n.raw : renderNode(n) + cr));
  const edited = nodes.some((n) => n.raw === undefined);
  let out = lines.join('\n');
  if (lines.length > 0 && (file.finalNewline || edited)) out += '\n';
  return (file.bom ? '\uFEFF' : '') + out;
}
