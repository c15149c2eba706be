// A site can limit the profiles packages may declare ("policy.allowedProfiles"), e.g. forbid
// `trusted`, which adds no sandboxing at all.
import type { PackageRule } from '../../types.ts';
import { packageProfile } from '../helpers.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'policy/profile-not-allowed',
    severity: 'error',
    description: 'Packages whose COMPOSABLE_PROFILE the site policy does not allow',
    messages: { profile: 'Profile {{profile}} is not allowed here (allowed: {{allowed}})' },
    hint: 'Set COMPOSABLE_PROFILE= to one of {{allowed}} in os-release.',
  },
  check(ctx) {
    const allowed = ctx.policy.allowedProfiles;
    if (!allowed || !ctx.pkg.osRelease) return;
    const profile = packageProfile(ctx.pkg);
    if (allowed.includes(profile)) return;
    const os = ctx.pkg.osRelease;
    const entry = os.entries.find((e) => e.key === 'COMPOSABLE_PROFILE');
    ctx.report({
      messageId: 'profile',
      data: { profile, allowed: allowed.join(', ') },
      file: os.file,
      range: entry
        ? { line: entry.line, column: 1, endLine: entry.line, endColumn: (os.text.split(/\r?\n/)[entry.line - 1] ?? '').length + 1 }
        : undefined,
    });
  },
};
