// A suppression comment naming a rule that does not exist suppresses nothing: usually a typo, or a
// rule renamed since the comment was written, and the finding it meant to hide shows up anyway.
import { suggest } from '../../directives.ts';
import type { CommentRule } from '../../types.ts';

export const rule: CommentRule = {
  scope: 'comment',
  meta: {
    id: 'comment/unknown-rule',
    severity: 'warning',
    description: 'Suppression comments that name a rule that does not exist',
    messages: {
      unknown: '"{{id}}" in a composable-lint-disable comment is not a rule; the comment suppresses nothing for it',
    },
    hint: '{{suggestion}}`composable lint --list-rules` lists the rules.',
  },
  check(ctx) {
    for (const directive of ctx.directives) {
      for (const { id, column, endColumn } of directive.ids) {
        if (ctx.knownRules.has(id)) continue;
        const close = suggest(id, ctx.knownRules);
        ctx.report({
          messageId: 'unknown',
          data: { id, suggestion: close ? `Did you mean "${close}"? ` : '' },
          range: { line: directive.line, column, endLine: directive.line, endColumn },
        });
      }
    }
  },
};
