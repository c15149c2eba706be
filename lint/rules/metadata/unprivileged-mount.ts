// When the site's containers run without CAP_SYS_ADMIN (`"policy": { "unprivileged": true }`),
// the generator cannot make the bind mount a store package needs, nor the mount namespace that
// chroot mode and the strict profile need: it skips those services. A package the engine mounts
// at /opt/composable/<name> needs no capability (docs/contract.md, section 2).
import { STORE_ROOT, stablePath } from '../../../sdk/contract.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/unprivileged-mount',
    severity: 'warning',
    description: 'Services the generator must mount, or chroot, in containers the policy says run without CAP_SYS_ADMIN',
    messages: {
      store:
        'Service "{{name}}": source {{source}} is in the store, and mounting it needs CAP_SYS_ADMIN, ' +
        'which unprivileged containers lack; the generator skips it there',
      chroot:
        'Service "{{name}}": mode chroot needs a mount namespace (RootDirectory=), which unprivileged ' +
        'containers cannot make; the generator skips it there',
      strict:
        'Service "{{name}}": profile strict needs a mount namespace, which unprivileged containers cannot make; the generator skips it there',
    },
    hint: {
      store:
        'Have the container engine mount the package at {{stable}} and set "source" to that path (composable ' +
        'podman and composable kube do), or grant the containers CAP_SYS_ADMIN.',
      chroot: 'Use "mode": "host", or grant the containers CAP_SYS_ADMIN.',
      strict:
        'Use "profile": "default" or "nonetwork", which run unprivileged without their read-only /usr ' +
        'and /etc, or grant the containers CAP_SYS_ADMIN.',
    },
    docs:
      'Only with `"policy": { "unprivileged": true }` in composable-lint.json. The package-side settings ' +
      '(DynamicUser=, COMPOSABLE_PROFILE=strict, ...) are `policy/unprivileged-container`.',
  },
  check(ctx) {
    if (ctx.policy.unprivileged !== true) return;
    const doc = metadataDoc(ctx.metadata);
    for (const s of doc.services) {
      const name = s.name ?? `services[${s.index}]`;
      const { source, mode, profile } = s.value;
      if (typeof source === 'string' && source.startsWith(`${STORE_ROOT}/`)) {
        ctx.report({
          messageId: 'store',
          data: { name, source, stable: s.name !== undefined ? stablePath(s.name) : '/opt/composable/<name>' },
          range: doc.rangeOf(['services', s.index, 'source']),
        });
      }
      if (mode === 'chroot') ctx.report({ messageId: 'chroot', data: { name }, range: doc.rangeOf(['services', s.index, 'mode']) });
      if (profile === 'strict') ctx.report({ messageId: 'strict', data: { name }, range: doc.rangeOf(['services', s.index, 'profile']) });
    }
  },
};
