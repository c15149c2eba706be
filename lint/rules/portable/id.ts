// portablectl derives the units it attaches (and later detaches) from the image's name: the part
// before the first `_`, or the name without `.raw`, and only when that part is letters, digits,
// `-` and `.` (extract_prefix() in systemd's src/portable/portablectl.c). It also records the
// attached images `:`-separated in each unit's 20-portable.conf. So an ID with `_` cannot be an
// image name that matches its own units (`my_app_1.0.raw` matches `my*`), and an ID with `:` or
// other characters cannot be derived at all: attach needs an explicit match, and detach fails.
import type { PackageRule } from '../../types.ts';
import { PORTABLE_NAME, portableApplies } from './common.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'portable/id',
    severity: 'error',
    description: 'Package IDs that portablectl cannot take as an image name',
    messages: {
      underscore:
        'ID={{id}} has "_", where portablectl cuts an image name ({{id}}_{{version}}.raw matches units "{{prefix}}*", not "{{id}}*")',
      charset:
        'ID={{id}} has "{{char}}", which portablectl does not take in the image name it derives unit ' +
        'names from; attach needs an explicit match and detach fails',
    },
    hint: 'Use an ID of letters, digits, "-" and "." (for example {{suggestion}}); the units\' names change with it.',
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    const id = os?.fields.ID;
    if (!os || !id || !portableApplies(ctx.pkg, ctx.policy) || PORTABLE_NAME.test(id)) return;
    const entry = os.entries.find((e) => e.key === 'ID');
    const range = entry ? { line: entry.line, column: 4, endLine: entry.line, endColumn: 4 + id.length } : undefined;
    const suggestion = id.replace(/[^A-Za-z0-9.-]/g, '-');
    const bad = [...id].find((c) => !/[A-Za-z0-9.-]/.test(c))!;
    if (bad === '_') {
      ctx.report({
        messageId: 'underscore',
        data: { id, version: os.fields.VERSION_ID ?? 'VERSION', prefix: id.slice(0, id.indexOf('_')), suggestion },
        file: os.file,
        range,
      });
    } else {
      ctx.report({ messageId: 'charset', data: { id, char: bad, suggestion }, file: os.file, range });
    }
  },
};
