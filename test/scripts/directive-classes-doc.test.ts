// docs/profiles.md shows the directive table the generator applies; this fails when it is stale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, PROFILES_DOC, renderDirectiveClasses, withGenerated } from '../../scripts/directive-classes-doc.ts';
import { DIRECTIVE_CLASS_IDS } from '../../sdk/unit-file/directive-classes.ts';

describe('docs/profiles.md, "Every directive, classified"', () => {
  it('is what scripts/directive-classes-doc.ts renders (run `npx tsx scripts/directive-classes-doc.ts` after changing the table)', () => {
    const doc = readFileSync(PROFILES_DOC, 'utf8');
    const rendered = renderDirectiveClasses();
    for (const id of DIRECTIVE_CLASS_IDS) expect(rendered).toContain(`### \`${id}\``);
    expect(rendered).toContain('| Service | `PermissionsStartOnly=` |');
    expect(doc).toBe(withGenerated(doc, rendered));
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\n\nbefore\n${BEGIN}\nold table\n${END}\nafter\n`;
    expect(withGenerated(doc, 'new\n')).toBe(`# T\n\nbefore\n${BEGIN}\n\nnew\n\n${END}\nafter\n`);
  });
});
