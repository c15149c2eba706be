// composable schema metadata|status|os-release — JSON Schema (draft 2020-12) for agents in other languages.
import type { Command } from 'commander';
import { jsonSchema, SCHEMA_NAMES, type SchemaName } from '../../sdk/schema/json-schema.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description(`print the JSON Schema (draft 2020-12) of ${SCHEMA_NAMES.join(', ')}`)
    .argument('<name>', SCHEMA_NAMES.join('|'))
    .action((name: string) => {
      if (!(SCHEMA_NAMES as readonly string[]).includes(name)) {
        process.stderr.write(`composable schema: unknown schema "${name}"; choose one of ${SCHEMA_NAMES.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${JSON.stringify(jsonSchema(name as SchemaName), null, 2)}\n`);
    });
}
