// The node-free generator (generator/sh/composable-generator.sh) the hook installs for a render,
// carried inside the hook itself: scripts/build.mjs defines __COMPOSABLE_SH_GENERATOR__ as the
// shipped dist/composable-generator.sh, so the installed hook is one file and the generator it
// installs is the one of its own build (the planner that made the render and the script that
// checks it come together). From the sources (tests) the script is read and versioned the same way.
import { readFileSync } from 'node:fs';
import { VERSION } from '../../sdk/version.ts';

declare const __COMPOSABLE_SH_GENERATOR__: string | undefined;

/** The script's text with its version set, as the build ships it. */
export function versionedShGenerator(source: string, version: string): string {
  return source.replace('VERSION=unknown', `VERSION=${JSON.stringify(version)}`);
}

export function shGeneratorText(): string {
  if (typeof __COMPOSABLE_SH_GENERATOR__ === 'string') return __COMPOSABLE_SH_GENERATOR__;
  return versionedShGenerator(readFileSync(new URL('../../generator/sh/composable-generator.sh', import.meta.url), 'utf8'), VERSION);
}
