// Renders generated unit files and drop-ins: a header comment saying where the file came from,
// then sections of `Key=value` lines in the order given (order matters for resets). Every line is
// checked (unit-text.ts): a value systemd would read differently is reported, not written.
import type { Directive } from './profiles.ts';
import { unitValueProblem } from './unit-text.ts';

export type Sections = [section: string, directives: Directive[]][];

export interface RenderedUnit {
  content: string;
  /** Values that cannot be written safely; the content must not be used when there are any. */
  problems: string[];
}

export function renderUnit(header: string, sections: Sections): RenderedUnit {
  const problems: string[] = [];
  if (/[\x00-\x1f\x7f]/.test(header)) problems.push('the header comment contains a control character');
  let content = `# ${header}\n`;
  for (const [name, directives] of sections) {
    if (directives.length === 0) continue;
    content += `\n[${name}]\n`;
    for (const [k, v] of directives) {
      // An empty value is a reset, which is always safe.
      const problem = v === '' ? undefined : unitValueProblem(k, v);
      if (problem) problems.push(problem);
      content += `${k}=${v}\n`;
    }
  }
  return { content, problems };
}
