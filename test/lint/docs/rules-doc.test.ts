// docs/rules.md is generated from the rules and their fixtures; this fails when it is stale.
import { describe, expect, it } from 'vitest';
import { readRulesDoc, renderRulesDoc } from '../../../lint/docs/rules-doc.ts';
import { RULES } from '../../../lint/rules/index.ts';

describe('docs/rules.md', () => {
  it('is what lint/docs/rules-doc.ts renders (run `npx tsx lint/docs/rules-doc.ts` after changing a rule)', async () => {
    const rendered = await renderRulesDoc();
    for (const r of RULES) expect(rendered).toContain(`### \`${r.meta.id}\``);
    expect(readRulesDoc()).toBe(rendered);
  }, 60_000);
});
