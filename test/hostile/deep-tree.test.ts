// A very deep tree: the digest walk is iterative and stops at the depth limit with a reason.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectIsolated, generate, goodPackage, sandbox, service, writeMetadata, type Sandbox } from './harness.ts';
import { packageDigest } from '../../sdk/digest.ts';
import { PACKAGE_LIMITS } from '../../sdk/fs/safe-read.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());
const ZERO = `sha256:${'0'.repeat(64)}`;

function nest(dir: string, levels: number, name = 'd'): void {
  const path = join(dir, ...Array.from({ length: levels }, () => name));
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'leaf'), 'x');
}

describe('hostile: deep trees', () => {
  it(`a tree ${PACKAGE_LIMITS.depth + 16} directories deep with a digest asked for: tree-too-deep`, () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    nest(bad, PACKAGE_LIMITS.depth + 16);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', digest: ZERO }]);
    expectIsolated(sb, generate(sb), 'good', 'bad', 'tree-too-deep');
  });

  it('a tree hundreds of levels deep (its paths near PATH_MAX) does not throw either', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    // Built in steps: one mkdir of the whole path would pass PATH_MAX.
    let cur = bad;
    for (let i = 0; i < 10; i++) {
      nest(cur, 100, 'dddd');
      cur = join(cur, ...Array.from({ length: 100 }, () => 'dddd'));
      if (cur.length > 3000) break;
    }
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', digest: ZERO }]);
    expectIsolated(sb, generate(sb), 'good', 'bad', 'tree-too-deep');
  });

  it('a tree at the depth limit is fine: digest computed and matched', () => {
    sb = sandbox();
    const ok = goodPackage(sb, 'ok');
    nest(ok, PACKAGE_LIMITS.depth - 2);
    writeMetadata(sb, [{ name: 'ok', digest: packageDigest(ok) }]);
    expect(service(generate(sb).status, 'ok').state).toBe('enabled');
  });

  it('a deep chain of `after` (5000 services, iterative cycle search)', async () => {
    const { servicesInCycles } = await import('../../generator/plan/after-graph.ts');
    const edges = new Map<string, string[]>();
    for (let i = 0; i < 5000; i++) edges.set(`s${i}`, i > 0 ? [`s${i - 1}`] : []);
    expect(servicesInCycles(edges).size).toBe(0);
    edges.set('s0', ['s4999']);
    expect(servicesInCycles(edges).size).toBe(5000);
  });
});
