// composable — the command-line interface. `composable --version` is answered before anything
// else is loaded: evaluating every command's modules (schemas, lint rules, commander) costs about
// twice node's own start-up, which a version check does not need. Everything else is in
// cli/program.ts, which loads only the command being run.
//
// scripts/build.mjs defines __COMPOSABLE_VERSION__ as the package version, so the bundled entry
// answers `--version` without loading a single other module; run from the sources (tsx), the
// name is not defined and the version comes from sdk/version.ts.
declare const __COMPOSABLE_VERSION__: string | undefined;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const version = typeof __COMPOSABLE_VERSION__ === 'string' ? __COMPOSABLE_VERSION__ : (await import('../sdk/version.ts')).VERSION;
  process.stdout.write(`${version}\n`);
} else {
  await import('./program.ts');
}
