// The site policy of composable-lint.json applied to what the agent selects: profiles outside
// "policy.allowedProfiles", targets outside "policy.allowedTargets".
import { resolveTarget } from '../../../sdk/contract.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/policy',
    severity: 'error',
    description: 'Metadata profiles and targets that the site policy does not allow',
    messages: {
      profile: 'Service "{{name}}": profile {{value}} is not allowed here (allowed: {{allowed}})',
      target: 'Service "{{name}}": target {{value}} ({{unit}}) is not allowed here (allowed: {{allowed}})',
    },
    hint: 'Use one of {{allowed}}, or change the policy in composable-lint.json.',
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    const { allowedProfiles, allowedTargets } = ctx.policy;
    for (const s of doc.services) {
      const name = s.name ?? `services[${s.index}]`;
      const profile = s.value.profile;
      if (allowedProfiles && typeof profile === 'string' && !allowedProfiles.includes(profile)) {
        ctx.report({
          messageId: 'profile',
          data: { name, value: profile, allowed: allowedProfiles.join(', ') },
          range: doc.rangeOf(['services', s.index, 'profile']),
        });
      }
      const target = s.value.target;
      if (allowedTargets && typeof target === 'string' && !allowedTargets.includes(resolveTarget(target))) {
        ctx.report({
          messageId: 'target',
          data: { name, value: target, unit: resolveTarget(target), allowed: allowedTargets.join(', ') },
          range: doc.rangeOf(['services', s.index, 'target']),
        });
      }
    }
  },
};
