// Bundles the CLI and the generator into single self-contained files under dist/.
// The generator is kept small (no commander, no execa) and bundled as CommonJS: systemd runs it
// on every boot and daemon-reload, its start-up time is part of the container's boot, and node
// starts a CommonJS script faster than an ES module. Installed without an extension (as
// /usr/lib/systemd/system-generators/composable-generator) it is read as CommonJS too.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/composable.mjs',
  format: 'esm',
  // Bundled CommonJS dependencies call require(); give them one in the ES module.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: ['generator/main.ts'],
  outfile: 'dist/composable-generator.cjs',
  format: 'cjs',
  minify: true,
  // A generator runs for a fraction of a second: time V8 spends compiling optimised code never
  // pays back. Turning the optimising compiler off measured 25 % faster at 500 packages
  // (bench/generator.ts). Set at run time because a shebang cannot portably pass node flags.
  banner: { js: "#!/usr/bin/env node\nrequire('node:v8').setFlagsFromString('--no-opt');" },
});
// The OCI hook runs on every container start that asks for composable: small and CommonJS, like
// the generator.
await build({
  ...common,
  entryPoints: ['host/oci-hook/bin.ts'],
  outfile: 'dist/composable-oci-hook.cjs',
  format: 'cjs',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync('dist/composable-oci-hook.cjs', 0o755);
chmodSync('dist/composable.mjs', 0o755);
chmodSync('dist/composable-generator.cjs', 0o755);
