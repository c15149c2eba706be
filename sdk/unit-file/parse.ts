// parseUnitFile: the lossless model of a unit file (systemd.syntax(7)).
// - `#` and `;` start a comment only as the first non-blank character of a line.
// - A line whose last character is an unescaped backslash continues on the next line; the
//   backslash is replaced by a space and the next line appended. Comment lines inside a
//   continuation are skipped. Leading and trailing whitespace of key and value are stripped.
// - Every physical line belongs to exactly one node, and `raw` keeps its exact text, so an
//   unchanged model formats back to the original bytes.
import type { EntryNode, UnitFile, UnitNode, UnitSection } from './types.ts';

const WS = /[ \t\n\r]/;

function stripRight(s: string): string {
  return s.replace(/[ \t\r\n]+$/, '');
}
function leadingWs(s: string): number {
  let n = 0;
  while (n < s.length && WS.test(s[n]!)) n++;
  return n;
}

/** Whether a line ends in a backslash that is not itself escaped (odd number of backslashes). */
function endsInContinuation(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export function parseUnitFile(text: string, path?: string): UnitFile {
  const file: UnitFile = { path, preamble: [], sections: [], newline: '\n', finalNewline: false, problems: [], bom: false };
  if (text.startsWith('\uFEFF')) {
    file.bom = true;
    text = text.slice(1);
  }
  file.finalNewline = text.endsWith('\n');
  const lines = text.split('\n');
  if (file.finalNewline) lines.pop();
  if (text.length === 0) lines.length = 0;
  if (lines.length > 0 && lines[0]!.endsWith('\r')) file.newline = '\r\n';

  let current: UnitSection | undefined;
  const push = (node: UnitNode): void => {
    if (current) current.nodes.push(node);
    else file.preamble.push(node);
  };
  const problem = (line: number, column: number, message: string): void => {
    file.problems.push({ ...(path ? { file: path } : {}), line, column, message });
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const lead = leadingWs(content);
    const body = content.slice(lead);
    const single = { line: lineNo, column: 1, endLine: lineNo, endColumn: content.length + 1 };

    if (body === '') {
      push({ type: 'blank', raw, range: single });
      continue;
    }
    if (body[0] === '#' || body[0] === ';') {
      push({ type: 'comment', raw, text: body.slice(1), range: single });
      continue;
    }
    if (body[0] === '[') {
      const trimmed = stripRight(body);
      if (trimmed.endsWith(']') && trimmed.length > 2 && !trimmed.slice(1, -1).includes('[') && !trimmed.slice(1, -1).includes(']')) {
        const header = { type: 'section' as const, name: trimmed.slice(1, -1), raw, range: single };
        current = { name: header.name, header, nodes: [] };
        file.sections.push(current);
        continue;
      }
      push({ type: 'invalid', raw, range: single, message: 'bad section header: expected [Name]' });
      problem(lineNo, lead + 1, `bad section header "${trimmed}": expected [Name]`);
      continue;
    }

    // An assignment, possibly continued over several physical lines.
    const physical = [raw];
    let logical = content;
    let last = i;
    while (endsInContinuation(logical) && last + 1 < lines.length) {
      logical = `${logical.slice(0, -1)} `;
      last++;
      const nextRaw = lines[last]!;
      physical.push(nextRaw);
      const nextContent = nextRaw.endsWith('\r') ? nextRaw.slice(0, -1) : nextRaw;
      const nextBody = nextContent.slice(leadingWs(nextContent));
      if (nextBody[0] === '#' || nextBody[0] === ';') {
        // Comment lines inside a continuation are skipped; the continuation goes on.
        logical = `${logical.slice(0, -1)}\\`;
        continue;
      }
      logical += nextContent;
    }
    if (endsInContinuation(logical) && last + 1 >= lines.length) {
      // A trailing backslash at the end of the file: systemd replaces it with a space.
      logical = `${logical.slice(0, -1)} `;
    }
    const lastContent = physical[physical.length - 1]!.replace(/\r$/, '');
    const range = { line: lineNo, column: lead + 1, endLine: last + 1, endColumn: lastContent.length + 1 };
    const eq = body.indexOf('=');
    if (eq < 0) {
      push({ type: 'invalid', raw: physical.join('\n'), range, message: 'line is not an assignment' });
      problem(lineNo, lead + 1, `line is not an assignment: expected Key=value or a [Section]${physical.length > 1 ? ' (it continues over several lines)' : ''}`);
      i = last;
      continue;
    }
    const key = stripRight(body.slice(0, eq));
    const afterEq = logical.slice(lead + eq + 1);
    const valueLead = leadingWs(afterEq);
    const value = stripRight(afterEq.slice(valueLead));
    const valueColumn = lead + eq + 2 + Math.min(valueLead, Math.max(0, content.length - (lead + eq + 1)));
    const node: EntryNode = {
      type: 'entry',
      key,
      value,
      raw: physical.join('\n'),
      range,
      keyRange: { line: lineNo, column: lead + 1, endLine: lineNo, endColumn: lead + 1 + key.length },
      valueRange: { line: lineNo, column: valueColumn, endLine: last + 1, endColumn: lastContent.length + 1 },
    };
    if (key === '') problem(lineNo, lead + 1, 'assignment without a key');
    if (!current) {
      problem(lineNo, lead + 1, `assignment "${key}=" outside of any section; put it below a [Section] header`);
      push({ type: 'invalid', raw: node.raw, range, message: 'assignment outside of any section' });
    } else {
      push(node);
    }
    i = last;
  }
  return file;
}
