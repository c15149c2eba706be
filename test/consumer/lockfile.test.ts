// The consumer project's lock is cut from the repository's: it must hold exactly what the chosen
// packages need, where node would find it, or `npm ci --offline` there installs something else.
import { describe, expect, it } from 'vitest';
import { closure, consumerLock, type Lockfile } from './lockfile.ts';

const lock: Lockfile = {
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { a: '^1.0.0' }, devDependencies: { tool: '^2.0.0', unrelated: '^1.0.0' } },
    'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: '^1.0.0' } },
    'node_modules/b': { version: '1.5.0', integrity: 'sha512-b1' },
    'node_modules/tool': {
      version: '2.0.0',
      integrity: 'sha512-t',
      dev: true,
      dependencies: { b: '^2.0.0' },
      optionalDependencies: { 'tool-linux': '2.0.0', 'tool-darwin': '2.0.0' },
      peerDependencies: { a: '*', extra: '*' },
      peerDependenciesMeta: { extra: { optional: true } },
    },
    'node_modules/tool/node_modules/b': { version: '2.1.0', integrity: 'sha512-b2', dev: true },
    'node_modules/tool-linux': { version: '2.0.0', integrity: 'sha512-tl', dev: true, optional: true, os: ['linux'] },
    'node_modules/unrelated': { version: '1.0.0', integrity: 'sha512-u', dev: true },
  },
};

describe('the consumer lock', () => {
  it('follows node resolution: a nested copy wins over the hoisted one; missing optional packages are skipped', () => {
    expect([...closure(lock, ['tool']).keys()].sort()).toEqual([
      'node_modules/a',
      'node_modules/b',
      'node_modules/tool',
      'node_modules/tool-linux',
      'node_modules/tool/node_modules/b',
    ]);
    expect([...closure(lock, ['a']).keys()].sort()).toEqual(['node_modules/a', 'node_modules/b']);
  });

  it('names a package the repository lock lacks', () => {
    expect(() => closure(lock, ['missing'])).toThrow(/package-lock.json has no missing \(needed by the consumer\)/);
  });

  it('installs composable from its tarball and the tools at the locked versions, marking what is only for development', () => {
    const {
      dependencies,
      devDependencies,
      lock: out,
    } = consumerLock({
      repoLock: lock,
      composable: {
        name: 'composable-services',
        version: '0.1.0',
        tarball: '../composable-services-0.1.0.tgz',
        integrity: 'sha512-c',
        dependencies: { a: '^1.0.0' },
        bin: { composable: 'dist/composable.mjs' },
      },
      devDependencies: ['tool'],
    });
    expect(dependencies).toEqual({ 'composable-services': 'file:../composable-services-0.1.0.tgz' });
    expect(devDependencies).toEqual({ tool: '2.0.0' });
    expect(out.packages['node_modules/composable-services']).toMatchObject({
      resolved: 'file:../composable-services-0.1.0.tgz',
      integrity: 'sha512-c',
      dependencies: { a: '^1.0.0' },
    });
    expect(out.packages['node_modules/a']!.dev).toBeUndefined();
    expect(out.packages['node_modules/b']!.dev).toBeUndefined();
    expect(out.packages['node_modules/tool']!.dev).toBe(true);
    expect(out.packages['node_modules/tool-linux']).toMatchObject({ dev: true, optional: true });
    expect(out.packages['node_modules/unrelated']).toBeUndefined();
  });
});
