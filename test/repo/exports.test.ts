// The package's public entry points resolve by name from inside the repository.
import { describe, expect, it } from 'vitest';
import { parseUnitFile, MetadataSchema, loadPackage } from 'composable-services';
import { planGeneration, writeMetadata } from 'composable-services/host';
import { lint, RULES } from 'composable-services/lint';

describe('package exports', () => {
  it('exposes the SDK as "composable-services", the agent side as "composable-services/host" and the linter as "composable-services/lint"', () => {
    expect(parseUnitFile('[Unit]\nA=1\n').sections[0]!.name).toBe('Unit');
    expect(typeof MetadataSchema.safeParse).toBe('function');
    for (const f of [loadPackage, planGeneration, writeMetadata, lint]) expect(typeof f).toBe('function');
    expect(RULES.length).toBeGreaterThan(40);
  });
});
