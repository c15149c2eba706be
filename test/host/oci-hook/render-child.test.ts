// The hook renders in a child process bounded by the render's budget (host/oci-hook/render-child.ts):
// what the child answers is the render the same job gives in this process, and a child past its
// budget is killed and reported as the render taking too long (the container starts without it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RenderTimeout, renderInChild, renderJob, renderOfJob } from '../../../host/oci-hook/render-child.ts';

const REPO = join(import.meta.dirname, '../../..');
const BUNDLE = join(REPO, 'dist/composable-oci-hook.cjs');

const metadataText = `${JSON.stringify({
  schemaVersion: 1,
  container: { id: 'c1' },
  services: [
    { name: 'health', source: '/opt/composable/health', version: '0.3.0' },
    { name: 'absent', source: '/opt/composable/absent', version: '1.0.0' },
  ],
})}\n`;

const job = renderJob({
  metadataText,
  packageDirs: { health: { ok: true, dir: join(REPO, 'examples/health') } },
  image: { units: new Set(['app.service']), notes: [] },
});

describe.skipIf(!existsSync(BUNDLE) && process.env.CI !== 'true')('the render child (needs npm run build)', () => {
  it('answers the render this process makes of the same job: the package enabled, one the hook did not mount skipped', () => {
    const inChild = renderInChild(job, 10_000);
    expect(inChild).toEqual(JSON.parse(JSON.stringify(renderOfJob(job))));
    const states = inChild.status.services.map((s) => [s.name, s.state]);
    expect(states).toEqual([
      ['health', 'enabled'],
      ['absent', 'skipped'],
    ]);
    expect(JSON.stringify(inChild.status)).toContain('the hook did not mount its package');
    expect(inChild.files.some((f) => f.path.endsWith('health.service'))).toBe(true);
  });

  it('is killed at its budget, and that is a RenderTimeout saying the container starts without the render', () => {
    const start = Date.now();
    expect(() => renderInChild(job, 1)).toThrow(RenderTimeout);
    expect(() => renderInChild(job, 1)).toThrow(/the render took too long \(over 1 ms\); the container starts without it/);
    expect(Date.now() - start).toBeLessThan(5_000);
  });
});
