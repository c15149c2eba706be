// Golden tests: the generator's output tree and status for every case under cases/, byte for
// byte. Regenerate with `npm run golden:update` and review the diff.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES_DIR, expectedOf, listCases, runCase } from './golden.ts';

const cases = listCases();

describe('generator golden cases', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
  });

  for (const name of cases) {
    it(`${name}: output tree, status and exit code match expected/`, () => {
      const run = runCase(name);
      try {
        const expected = expectedOf(name);
        expect(run.units).toEqual(expected.units);
        expect(run.status).toEqual(expected.status);
        expect(run.exitCode).toBe(expected.exitCode);
      } finally {
        run.cleanup();
      }
    });
  }

  it('is deterministic: two runs give byte-identical trees', () => {
    for (const name of cases) {
      const a = runCase(name);
      const b = runCase(name);
      try {
        expect(JSON.stringify(a.units)).toBe(JSON.stringify(b.units));
        expect(JSON.stringify(a.status)).toBe(JSON.stringify(b.status));
      } finally {
        a.cleanup();
        b.cleanup();
      }
    }
  });

  it("never writes a credential's content into a unit, the status or a log", () => {
    const secrets: string[] = [];
    const collect = (dir: string): void => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) collect(p);
        else secrets.push(readFileSync(p, 'utf8').trim());
      }
    };
    for (const name of cases) {
      const credDir = join(CASES_DIR, name, 'root/run/composable/credentials');
      try {
        collect(credDir);
      } catch {
        /* case without credentials */
      }
    }
    expect(secrets.length).toBeGreaterThan(0);
    for (const name of cases) {
      const run = runCase(name);
      try {
        const everything = JSON.stringify(run.units) + JSON.stringify(run.status) + run.logs.join('\n');
        for (const s of secrets) expect(everything).not.toContain(s);
      } finally {
        run.cleanup();
      }
    }
  });
});
