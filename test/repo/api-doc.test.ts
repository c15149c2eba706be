// docs/api.md is rendered from the entry points' exports (scripts/api-doc.ts); this fails when it
// is stale, and when the type checker's view of an entry disagrees with what it exports at run time.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ENTRIES, parseApiDoc, readApi, readApiDoc, renderApiDoc } from '../../scripts/api-doc.ts';

const REPO = join(import.meta.dirname, '../..');

describe('docs/api.md', () => {
  const api = readApi();

  it('is what scripts/api-doc.ts renders (run `npx tsx scripts/api-doc.ts` after changing an export)', () => {
    expect(readApiDoc()).toBe(renderApiDoc(api));
  });

  it('lists as values exactly the names each entry exports at run time, and the rest as types', async () => {
    const doc = parseApiDoc(readApiDoc());
    expect([...doc.keys()]).toEqual(API_ENTRIES.map((e) => e.specifier));
    for (const entry of API_ENTRIES) {
      const runtime = Object.keys(await import(pathToFileURL(join(REPO, entry.source)).href)).sort();
      const listed = doc.get(entry.specifier)!;
      expect(listed.values.slice().sort(), entry.specifier).toEqual(runtime);
      const all = api
        .get(entry.specifier)!
        .map((e) => e.name)
        .sort();
      expect([...listed.values, ...listed.types].sort(), entry.specifier).toEqual(all);
    }
  });

  it('names the entry points package.json exports', async () => {
    const pkg = (await import(pathToFileURL(join(REPO, 'package.json')).href, { with: { type: 'json' } })).default as {
      exports: Record<string, unknown>;
    };
    const entries = Object.keys(pkg.exports)
      .filter((k) => !k.includes('*') && !k.endsWith('.json'))
      .map((k) => (k === '.' ? 'composable-services' : `composable-services/${k.slice(2)}`));
    expect(entries.sort()).toEqual(API_ENTRIES.map((e) => e.specifier).sort());
  });
});
