// The package's public entry points resolve by name from inside the repository.
import { describe, expect, it } from 'vitest';
import { parseUnitFile, MetadataSchema, loadPackage } from 'composable';
import { planGeneration, writeMetadata } from 'composable/host';
import { lint, RULES } from 'composable/lint';

describe('package exports', () => {
  it('exposes the SDK as "composable", the agent side as "composable/host" and the linter as "composable/lint"', () => {
    expect(parseUnitFile('[Unit]\nA=1\n').sections[0]!.name).toBe('Unit');
    expect(typeof MetadataSchema.safeParse).toBe('function');
    for (const f of [loadPackage, planGeneration, writeMetadata, lint]) expect(typeof f).toBe('function');
    expect(RULES.length).toBeGreaterThan(40);
  });
});
