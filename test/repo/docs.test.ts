// Keeps the documentation true to the code it describes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSABLE_FIELDS } from '../../sdk/schema/os-release.ts';
import { PROFILE_DIRECTIVES } from '../../generator/plan/profiles.ts';

const REPO = join(import.meta.dirname, '../..');
const read = (p: string): string => readFileSync(join(REPO, p), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => read(join(dir, f)));
}

describe('docs', () => {
  it('docs/generator.md lists every skip reason code the generator can record', () => {
    const code = [...sources('generator/plan'), read('generator/input/read-input.ts'), read('sdk/package.ts')].join('\n');
    const codes = new Set([...code.matchAll(/code: '([a-z0-9-]+)'/g)].map((m) => m[1]!));
    expect(codes.size).toBeGreaterThan(15);
    const doc = read('docs/generator.md');
    const table = doc.slice(doc.indexOf('## Isolation'), doc.indexOf('## Safety'));
    const documented = new Set([...table.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
    // metadata-level codes are described in the paragraph after the table
    const missing = [...codes].filter((c) => !documented.has(c) && !c.startsWith('metadata-'));
    expect(missing).toEqual([]);
  });

  it('docs/contract.md documents every COMPOSABLE_ os-release field', () => {
    const doc = read('docs/contract.md');
    for (const f of COMPOSABLE_FIELDS) expect(doc).toContain(`\`${f}\``);
  });

  it('docs/profiles.md names every directive a profile sets', () => {
    const doc = read('docs/profiles.md');
    for (const directives of Object.values(PROFILE_DIRECTIVES)) {
      for (const [key] of directives) expect(doc, key).toContain(`${key}=`);
    }
  });
});
