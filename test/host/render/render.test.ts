// composable render against the node generator: for every golden case the rendered tree and status
// are the generator's own, byte for byte, the manifest is valid and the render is deterministic.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RenderManifestSchema } from '../../../sdk/schema/render.ts';
import { formatRenderChecks, RenderError, renderFromRoot } from '../../../host/render/render.ts';
import { writeRender } from '../../../host/render/write-render.ts';
import { readOutputTree } from '../../../generator/output/read-tree.ts';
import { CASES_DIR, expectedOf, listCases } from '../../golden/golden.ts';

const work = mkdtempSync(join(tmpdir(), 'composable-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh copy of a golden case's root, under its own work name. */
function caseRoot(name: string, as: string = name): string {
  const root = join(work, as, 'root');
  cpSync(join(CASES_DIR, name, 'root'), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

describe('composable render', () => {
  for (const name of listCases()) {
    it(`${name}: the generator's files and status, and a valid, deterministic manifest`, () => {
      const root = caseRoot(name);
      const render = renderFromRoot({ root });
      const expected = expectedOf(name);
      const units: Record<string, unknown> = {};
      for (const f of render.files) units[f.path] = f.kind === 'file' ? { file: f.content } : { symlink: f.target };
      expect(units).toEqual(expected.units);
      expect(render.status).toEqual(expected.status);
      expect(RenderManifestSchema.safeParse(render.manifest).success).toBe(true);
      expect(JSON.stringify(renderFromRoot({ root }))).toBe(JSON.stringify(render));
      // Written to disk, units/ holds exactly the generator's tree.
      const out = join(work, name, 'render');
      writeRender(out, render);
      const written: Record<string, unknown> = {};
      for (const e of readOutputTree(join(out, 'units'))) {
        if (e.kind === 'file') written[e.path] = { file: e.content };
        else if (e.kind === 'symlink') written[e.path] = { symlink: e.target };
      }
      expect(written).toEqual(expected.units);
      expect(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'))).toEqual(expected.status);
      expect(readFileSync(join(out, 'render.checks'), 'utf8')).toBe(render.checks);
    });
  }

  it('checks the metadata by digest, each enabled package source, every rendered unit name and CAP_SYS_ADMIN', () => {
    const render = renderFromRoot({ root: caseRoot('host-mode', 'checks') });
    const lines = render.checks.trim().split('\n');
    expect(lines[0]).toMatch(/^planner composable-generator \S+$/);
    expect(lines).toContainEqual(expect.stringMatching(/^sha256 [0-9a-f]{64} \/run\/composable\/metadata\.json$/));
    expect(lines).toContain('present /run/composable/store/logship-1.4.2');
    expect(lines).toContain('absent /etc/systemd/system/logship.service');
    expect(lines).toContain('absent /usr/lib/systemd/system/composable.target');
    // The case's root has no /proc: capabilities unknown, as the planner assumes them all, no check.
    expect(lines.some((l) => l.startsWith('cap-sys-admin'))).toBe(false);
    const unprivileged = renderFromRoot({
      root: caseRoot('unprivileged', 'unprivileged-caps'),
      capabilities: { source: 'test', effective: ['CAP_CHOWN'] },
    });
    expect(unprivileged.checks).toContain('cap-sys-admin 0');
    expect(unprivileged.checks).toMatch(/^dir \/opt\/composable\/u-default$/m);
  });

  it('refuses a path the sh generator could not read as one word', () => {
    const render = renderFromRoot({ root: caseRoot('host-mode', 'space') });
    const manifest = { ...render.manifest, assumptions: [{ kind: 'present' as const, path: '/run/composable/store/a b' }] };
    expect(() => formatRenderChecks(manifest)).toThrow(RenderError);
    expect(() => formatRenderChecks(manifest)).toThrow(/"\/run\/composable\/store\/a b".*whitespace/);
  });
});

describe('render.json JSON Schema (composable schema render, dist/schemas/render.schema.json)', () => {
  it('accepts every golden case manifest and refuses one with an unknown check', async () => {
    const { default: Ajv2020 } = (await import('ajv/dist/2020.js')) as unknown as {
      default: new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } };
    };
    const { jsonSchema } = await import('../../../sdk/schema/json-schema.ts');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(jsonSchema('render'));
    for (const name of listCases()) {
      const manifest = renderFromRoot({ root: caseRoot(name, `${name}-schema`) }).manifest;
      expect(validate(manifest), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const bad = { ...manifest, assumptions: [...manifest.assumptions, { kind: 'mounted', path: '/x' }] };
      expect(validate(bad)).toBe(false);
    }
  });
});
