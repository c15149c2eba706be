// Regenerates test/golden/cases/*/expected from the current generator. Review with `git diff`.
// Usage: npm run golden:update [-- CASE...]
import { listCases, updateCase } from '../test/golden/golden.ts';

const wanted = process.argv.slice(2);
const cases = wanted.length > 0 ? wanted : listCases();
for (const name of cases) {
  updateCase(name);
  console.log(`updated ${name}`);
}
