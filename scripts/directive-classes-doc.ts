// Prints the Markdown tables of sdk/unit-file/directive-classes.ts for docs/profiles.md: one
// table per class (section, directive, which values, what PID 1 does), and a count per class.
// Usage: npx tsx scripts/directive-classes-doc.ts > /tmp/classes.md (then paste into the doc).
import { DIRECTIVE_CLASS_IDS, DIRECTIVE_CLASSES, VALUE_RULES, type DirectiveClass } from '../sdk/unit-file/directive-classes.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text === '' ? '(empty)' : `\`${text}\``;
}

/** Which values the class applies to, in words. */
function values(entry: DirectiveClass): string {
  const listed = [...(entry.values ?? []).map(code), ...(entry.prefixes ?? []).map((p) => `${code(p)}…`)].join(', ');
  switch (entry.valueRule) {
    case 'always':
      return 'any';
    case 'unless-false':
      return 'any but no / empty';
    case 'unless-true':
      return 'no / empty';
    case 'matches':
      return listed;
    case 'unless':
      return `any but ${listed}`;
    case 'exec-prefix':
      return 'a `+`, `!` or `!!` prefix';
  }
}

const entries = Object.entries(DIRECTIVE_CLASSES).map(([name, entry]) => {
  const dot = name.indexOf('.');
  return { section: name.slice(0, dot), key: name.slice(dot + 1), entry };
});
entries.sort((a, b) => a.section.localeCompare(b.section) || a.key.localeCompare(b.key));

const lines: string[] = [];
const counts: string[] = [];
for (const id of DIRECTIVE_CLASS_IDS) {
  const rows = entries.filter((e) => e.entry.class === id);
  counts.push(`${id}: ${rows.length}`);
  lines.push(`### \`${id}\` (${rows.length})`, '');
  lines.push('| section | directive | values | what PID 1 does |', '| --- | --- | --- | --- |');
  for (const { section, key, entry } of rows) {
    const acts = entry.actsOn ? ` (paths of ${entry.actsOn.map((a) => `\`${a.slice(a.indexOf('.') + 1)}=\``).join(', ')})` : '';
    lines.push(`| ${section} | \`${key}=\` | ${cell(values(entry))} | ${cell(entry.why + acts)} |`);
  }
  lines.push('');
}
lines.push('Value rules:', '');
for (const [rule, meaning] of Object.entries(VALUE_RULES)) lines.push(`- \`${rule}\`: ${meaning}`);
lines.push('', `Directives per class (a directive counts under the class of its dangerous values): ${counts.join(', ')}.`);
process.stdout.write(`${lines.join('\n')}\n`);
