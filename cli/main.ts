// composable — the command-line interface. `composable --version` is answered before anything
// else is loaded: evaluating every command's modules (schemas, lint rules, commander) costs about
// twice node's own start-up, which a version check does not need. Everything else is in
// cli/program.ts.
import { VERSION } from '../sdk/version.ts';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  await import('./program.ts');
}
