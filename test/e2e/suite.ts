// Shared set-up for real-systemd test files: build (or reuse) the root file system once, boot
// with a timeout that fails loudly, and clean up every boot's temporary files afterwards.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { bootContainer, ensureRootfs, DIST, type BootOptions, type BootResult } from '../harness/nspawn.ts';
import { removeBuiltPackages } from './packages.ts';

export const BOOT_TIMEOUT = 90_000;

/** Call inside a describe block; returns the boot function its tests use. */
export function useBoots(): (opts: BootOptions) => Promise<BootResult> {
  const boots: BootResult[] = [];
  beforeAll(async () => {
    if (!existsSync(`${DIST}/composable-generator.cjs`)) throw new Error('run `npm run build` first (npm test does)');
    await ensureRootfs();
  }, 20 * 60_000);
  afterAll(() => {
    for (const b of boots) b.cleanup();
    removeBuiltPackages();
  });
  return async (opts) => {
    const b = await bootContainer(opts);
    boots.push(b);
    if (b.timedOut) throw new Error(`boot timed out after ${b.durationMs} ms; console:\n${b.console}`);
    return b;
  };
}
