// Every registered rule: its metadata is complete, it has valid and invalid fixtures, its valid
// fixtures produce none of its findings and its invalid fixtures exactly the expected ones.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../lint/rules/index.ts';
import { describeDiagnostic, runFixture, type RuleFixtures } from '../../../lint/testing/fixtures.ts';
import { placeholders } from '../../../lint/util/template.ts';
import { RULE_GROUPS } from '../../../lint/types.ts';

const rulesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../lint/rules');

async function fixturesOf(id: string): Promise<RuleFixtures> {
  const mod = (await import(join(rulesDir, `${id}.fixtures.ts`))) as { fixtures: RuleFixtures };
  return mod.fixtures;
}

describe('rule registry', () => {
  it('has unique ids of the form group/name, one file per rule', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(RULE_GROUPS).toContain(id.split('/')[0]);
      expect(existsSync(join(rulesDir, `${id}.ts`)), `${id}.ts`).toBe(true);
    }
  });

  it('gives every rule a one-line description, messages and hints for every message', () => {
    for (const { meta } of RULES) {
      expect(meta.description, meta.id).toMatch(/^[A-Z][^\n]+[^.]$/);
      expect(Object.keys(meta.messages).length, meta.id).toBeGreaterThan(0);
      if (typeof meta.hint !== 'string') {
        for (const m of Object.keys(meta.messages)) expect(meta.hint[m], `${meta.id} hint for ${m}`).toBeTruthy();
      } else expect(meta.hint, meta.id).toBeTruthy();
      for (const t of Object.values(meta.messages)) expect(t).not.toMatch(/\.$/);
      expect(placeholders(Object.values(meta.messages).join(' ')).every((p) => /^[a-zA-Z]+$/.test(p))).toBe(true);
    }
  });
});

for (const rule of RULES) {
  const id = rule.meta.id;
  describe(id, () => {
    it('has at least one valid and one invalid fixture', async () => {
      const f = await fixturesOf(id);
      expect(f.valid.length).toBeGreaterThan(0);
      expect(f.invalid.length).toBeGreaterThan(0);
    });

    it('reports nothing on its valid fixtures', async () => {
      for (const fixture of (await fixturesOf(id)).valid) {
        const run = await runFixture(fixture);
        try {
          const mine = run.result.diagnostics.filter((d) => d.ruleId === id).map(describeDiagnostic);
          expect(mine, fixture.name).toEqual([]);
        } finally {
          run.dispose();
        }
      }
    });

    it('reports exactly the expected findings on its invalid fixtures', async () => {
      for (const fixture of (await fixturesOf(id)).invalid) {
        const run = await runFixture(fixture);
        try {
          const mine = run.result.diagnostics.filter((d) => d.ruleId === id);
          expect(mine.map(describeDiagnostic), fixture.name).toEqual(fixture.expect);
          expect(fixture.expect?.length, `${fixture.name}: an invalid fixture expects findings`).toBeGreaterThan(0);
          for (const d of mine) {
            expect(d.severity).toBe(rule.meta.severity);
            expect(`${d.message} ${d.hint}`).not.toContain('{{');
            expect(d.hint.length).toBeGreaterThan(0);
          }
        } finally {
          run.dispose();
        }
      }
    });
  });
}
