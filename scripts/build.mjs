// Bundles the CLI and the generator into single self-contained ESM files under dist/.
// The generator bundle is kept small (no commander, no execa) because systemd runs it on
// every boot and daemon-reload: its start-up time is part of the container's boot time.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
};
const entries = [
  { in: 'cli/main.ts', out: 'dist/composable.mjs' },
  { in: 'generator/main.ts', out: 'dist/composable-generator.mjs', minify: true },
];
for (const e of entries) {
  await build({ ...common, entryPoints: [e.in], outfile: e.out, minify: Boolean(e.minify) });
  chmodSync(e.out, 0o755);
}
