// Exec*= lines naming a program without a path (ExecStart=logship). systemd looks it up in a fixed
// search path of the container, so which binary runs depends on the container, not the package.
import type { UnitRule } from '../../types.ts';
import { execCommandsOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/exec-relative-path',
    severity: 'warning',
    description: 'Exec*= executables given without an absolute path',
    messages: { bare: '{{key}}= runs "{{path}}" without a path; systemd searches the container\'s PATH for it' },
    hint: "Write the absolute path, e.g. /usr/bin/{{path}}, so the unit runs the package's program.",
  },
  check(ctx) {
    for (const { entry, cmd } of execCommandsOf(ctx.unit.parsed)) {
      if (cmd.path === '' || cmd.path.includes('/') || cmd.path.startsWith('%') || cmd.path.startsWith('$')) continue;
      ctx.report({ messageId: 'bare', data: { key: entry.key, path: cmd.path }, range: ctx.valueRange(entry) });
    }
  },
};
