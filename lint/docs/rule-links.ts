// Where a rule's documentation lives on the web: its section of docs/rules.md (written by
// lint/docs/rules-doc.ts, which puts an `<a id>` of ruleAnchor before each rule's heading) in the
// repository package.json names. SARIF's helpUri links there, so code-scanning UIs show the rule's
// page; test/lint/formatters/formatters.test.ts checks every anchor is in the generated page and
// that the repository is package.json's.

/** The repository of package.json's `repository.url`, as a browsable https URL. */
export const REPOSITORY_URL = 'https://github.com/composable/composable';

/**
 * docs/rules.md on the default branch, one address for every version (a version's own copy is in
 * the docs/ of its npm package); a rule's id, and so its anchor, is kept when the rule changes.
 */
export const RULES_DOC_URL = `${REPOSITORY_URL}/blob/main/docs/rules.md`;

/** The fragment of a rule's section: `unit/unknown-directive` → `unit-unknown-directive`. */
export function ruleAnchor(id: string): string {
  return id.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** The web address of a rule's documentation. */
export function ruleDocUrl(id: string): string {
  return `${RULES_DOC_URL}#${ruleAnchor(id)}`;
}
