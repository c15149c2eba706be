// Entry of the bundled `composable-oci-hook` (dist/composable-oci-hook.cjs).
import { main } from './main.ts';

process.exitCode = main(process.argv.slice(2));
