// A suppression comment that suppressed nothing: the finding it was written for is gone (fixed, or
// the rule changed), and the comment would hide the next one that comes back. Off by default, as in
// ESLint: `--report-unused-disable-directives` (or this rule in composable-lint.json) turns it on.
import type { CommentRule } from '../../types.ts';

export const rule: CommentRule = {
  scope: 'comment',
  meta: {
    id: 'comment/unused-disable',
    severity: 'warning',
    offByDefault: true,
    description: 'Suppression comments that suppressed no finding',
    messages: {
      file: 'Unused composable-lint-disable comment: no finding of {{id}} in this file',
      nextLine: 'Unused composable-lint-disable-next-line comment: no finding of {{id}} on line {{target}}',
      nothingNext: 'Unused composable-lint-disable-next-line comment: no assignment follows it',
    },
    hint: {
      file: 'Remove {{id}} from the comment (or the whole comment if it names nothing else).',
      nextLine: 'Remove {{id}} from the comment (or the whole comment if it names nothing else).',
      nothingNext: 'Remove the comment, or put the line it is for right after it.',
    },
    docs:
      'Turned on by `composable lint --report-unused-disable-directives` (a warning; `=error` makes it an error) ' +
      'or by `"comment/unused-disable": "warning"` in composable-lint.json. Only rules that ran can have findings: ' +
      'a comment for a rule turned off is reported too. Unknown ids are `comment/unknown-rule`’s.',
  },
  check(ctx) {
    for (const directive of ctx.directives) {
      const { line } = directive;
      if (directive.kind === 'next-line' && directive.target === undefined) {
        ctx.report({ messageId: 'nothingNext', range: { line, column: directive.column, endLine: line, endColumn: directive.endColumn } });
        continue;
      }
      for (const { id, used, column, endColumn } of directive.ids) {
        if (used || !ctx.knownRules.has(id)) continue;
        ctx.report({
          messageId: directive.kind === 'file' ? 'file' : 'nextLine',
          data: { id, target: directive.target ?? 0 },
          range: { line, column, endLine: line, endColumn },
        });
      }
    }
  },
};
