// Exec*= prefixes that lift the sandbox for one command: `+` runs it with full privileges (no
// User=, no namespaces, no capability limits), `!` and `!!` skip the user change. In a package
// they usually mean a setup step that belongs in the image or in the agent. Outside the trusted
// profile the generator refuses them and policy/privilege-escape reports an error; this warning
// is for trusted packages, where they are allowed but still worth a second look.
import type { UnitRule } from '../../types.ts';
import { execCommandsOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'policy/privileged-prefix',
    severity: 'warning',
    description: 'Exec*= commands with the full-privilege prefixes +, ! or !! in a trusted package',
    messages: {
      full: '{{key}}= runs "{{path}}" with full privileges (prefix +): outside the sandbox, as root',
      noUser: '{{key}}= runs "{{path}}" without changing the user (prefix {{prefix}})',
    },
    hint: {
      full: 'Drop the +; grant what the command needs with capabilities, or move the step into the image.',
      noUser: "Drop the {{prefix}}; let it run as the service's User=.",
    },
  },
  check(ctx) {
    if (ctx.pkg?.manifest?.profile !== 'trusted') return;
    for (const { entry, cmd } of execCommandsOf(ctx.unit.parsed)) {
      const raw = cmd.rawPrefix ?? '';
      if (raw.includes('+')) ctx.report({ messageId: 'full', data: { key: entry.key, path: cmd.path }, range: ctx.valueRange(entry) });
      else if (raw.includes('!'))
        ctx.report({
          messageId: 'noUser',
          data: { key: entry.key, path: cmd.path, prefix: raw.includes('!!') ? '!!' : '!' },
          range: ctx.valueRange(entry),
        });
    }
  },
};
