// Renders generated unit files and drop-ins: a header comment saying where the file came from,
// then sections of `Key=value` lines in the order given (order matters for resets).
import type { Directive } from './profiles.ts';

export type Sections = [section: string, directives: Directive[]][];

export function renderUnit(header: string, sections: Sections): string {
  let out = `# ${header}\n`;
  for (const [name, directives] of sections) {
    if (directives.length === 0) continue;
    out += `\n[${name}]\n`;
    for (const [k, v] of directives) out += `${k}=${v}\n`;
  }
  return out;
}
