// Turns schema issues into messages a person can act on: a JSON path and what to do.
// zod/mini ships no message locale (to stay small), so the wording lives here.
import type * as z from 'zod/mini';

export interface SchemaProblem {
  /** JSON path like `services[0].environment.LOG_DEST` ('' for the document itself). */
  path: string;
  message: string;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): string {
  // A message other than zod's placeholder came from our own check: it says what to do.
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `must have at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_big':
      return `must have at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'invalid_format':
      return `has an invalid format (${issue.format})`;
    case 'invalid_key':
      return 'has an invalid key';
    default:
      return 'is invalid';
  }
}

export function schemaProblems(issues: readonly Issue[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      // Report the key's own problem at the key's path.
      for (const inner of issue.issues) out.push({ path: jsonPath(issue.path), message: `key: ${describeIssue(inner as Issue)}` });
      continue;
    }
    if (issue.code === 'invalid_element' && issue.issues.length > 0) {
      for (const inner of issue.issues)
        out.push({ path: jsonPath([...issue.path, issue.key as PropertyKey]), message: describeIssue(inner as Issue) });
      continue;
    }
    out.push({ path: jsonPath(issue.path), message: describeIssue(issue) });
  }
  return out;
}

/** One line per problem: `services[0].name: must be ...`. */
export function formatSchemaProblems(problems: readonly SchemaProblem[]): string[] {
  return problems.map((p) => `${p.path || '(document)'}: ${p.message}`);
}
