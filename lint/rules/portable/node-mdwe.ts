// V8, node's JavaScript engine, writes machine code at run time; MemoryDenyWriteExecute=yes
// forbids exactly that, and node dies at start. portablectl's default, nonetwork and strict
// profiles set it (/usr/lib/systemd/portable/profile/*/service.conf); only trusted does not.
// composable's own profiles never set it (docs/profiles.md).
import { posix } from 'node:path';
import type { UnitRule } from '../../types.ts';
import { parseShebang } from '../../../sdk/artifact/elf.ts';
import { effectiveValue, packageProfile, parseBool, readHead } from '../helpers.ts';
import { execTargets } from '../coherence/exec-common.ts';
import { MDWE_PROFILES, portableApplies } from './common.ts';

const NODE = /^(node|nodejs)(\d+)?$/;

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'portable/node-mdwe',
    severity: 'error',
    description: 'Node programs under MemoryDenyWriteExecute=yes, set by the unit or by the portablectl profile the package maps to',
    messages: {
      unit: '{{key}}= runs {{rel}}, a node program, and this unit sets MemoryDenyWriteExecute=yes, which kills node at start',
      profile:
        '{{key}}= runs {{rel}}, a node program; under portablectl the package gets --profile={{profile}}, ' +
        'which sets MemoryDenyWriteExecute=yes and kills node at start',
    },
    hint: {
      unit: 'Remove MemoryDenyWriteExecute=yes from the unit.',
      profile:
        'Set COMPOSABLE_PROFILE=trusted (attach with --profile=trusted), or attach with a profile of ' +
        'your own without MemoryDenyWriteExecute= (/etc/systemd/portable/profile/NAME/service.conf).',
    },
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    const pkg = ctx.pkg;
    if (ctx.unit.type !== 'service' || !pkg || !portableApplies(pkg, ctx.policy)) return;
    const set = effectiveValue(ctx, 'Service', 'MemoryDenyWriteExecute');
    const byUnit = set ? parseBool(set.entry.value) === true : false;
    const profile = packageProfile(pkg);
    if (!byUnit && !MDWE_PROFILES.has(profile)) return;
    for (const t of execTargets(ctx)) {
      if (t.key !== 'ExecStart') continue;
      const r = t.resolved;
      let node = NODE.test(posix.basename(t.path));
      if (!node && r?.kind === 'found' && r.entry.type === 'file') {
        const shebang = parseShebang(readHead(pkg, r.relPath, 256));
        const program =
          shebang && (posix.basename(shebang.interpreter) === 'env' ? shebang.args.find((a) => !a.startsWith('-')) : shebang.interpreter);
        node = Boolean(program && NODE.test(posix.basename(program)));
      }
      if (!node) continue;
      const rel = r?.kind === 'found' ? r.relPath : t.path;
      ctx.report({ messageId: byUnit ? 'unit' : 'profile', data: { key: t.key, rel, profile }, range: ctx.valueRange(t.entry) });
    }
  },
};
