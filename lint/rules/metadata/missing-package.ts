// Every service's `source` must be a package in the store (docs/contract.md, "Store"): the
// generator skips a service whose source is missing, outside /run/composable/store/ or not a
// package. A source that is the service's own stable path (/opt/composable/<name>) is a package
// the container engine mounts there when the container starts: it is checked only when it is
// already there. Paths are container paths, read below the lint root (--root, or the root a
// <root>/run/composable/metadata.json path implies, or $COMPOSABLE_ROOT).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { hostPath, PACKAGE_OS_RELEASE, STORE_ROOT, stablePath } from '../../../sdk/contract.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/missing-package',
    severity: 'error',
    description: 'Services whose package is not in the store',
    messages: {
      missing: 'Service "{{name}}": source {{source}} does not exist',
      outside: 'Service "{{name}}": source {{source}} is outside the store {{store}}/; the generator skips it',
      notPackage: 'Service "{{name}}": source {{source}} is not a package (no {{osRelease}})',
    },
    hint: {
      missing:
        'Have the agent bind-mount the package there; container paths are read below --root (default: ' +
        'the root the metadata path implies, $COMPOSABLE_ROOT or /).',
      outside:
        'Put the package below {{store}}/ and point `source` at it, or have the container engine mount ' +
        'it at /opt/composable/<name> and name that path.',
      notPackage: 'Point `source` at the package directory itself (the one containing usr/).',
    },
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    for (const s of doc.services) {
      const source = s.value.source;
      if (typeof source !== 'string' || !source.startsWith('/')) continue;
      const name = s.name ?? `services[${s.index}]`;
      const range = doc.rangeOf(['services', s.index, 'source']);
      const normal = posix.normalize(source);
      if (s.name !== undefined && source === stablePath(s.name)) {
        const mounted = hostPath(source, ctx.metadata.root);
        if (existsSync(mounted) && (!statSync(mounted).isDirectory() || !existsSync(posix.join(mounted, PACKAGE_OS_RELEASE)))) {
          ctx.report({ messageId: 'notPackage', data: { name, source, osRelease: PACKAGE_OS_RELEASE }, range });
        }
        continue;
      }
      if (!normal.startsWith(`${STORE_ROOT}/`)) {
        ctx.report({ messageId: 'outside', data: { name, source, store: STORE_ROOT }, range });
        continue;
      }
      const where = hostPath(normal, ctx.metadata.root);
      if (!existsSync(where)) {
        ctx.report({ messageId: 'missing', data: { name, source }, range });
        continue;
      }
      // The source must stay inside the store once symlinks are resolved.
      const storeOnHost = hostPath(STORE_ROOT, ctx.metadata.root);
      try {
        const real = realpathSync(where);
        const realStore = existsSync(storeOnHost) ? realpathSync(storeOnHost) : storeOnHost;
        if (!real.startsWith(`${realStore}/`)) {
          ctx.report({ messageId: 'outside', data: { name, source, store: STORE_ROOT }, range });
          continue;
        }
      } catch {
        // unreadable: reported as missing below if it is not a directory
      }
      if (!statSync(where).isDirectory() || !existsSync(posix.join(where, PACKAGE_OS_RELEASE))) {
        ctx.report({ messageId: 'notPackage', data: { name, source, osRelease: PACKAGE_OS_RELEASE }, range });
      }
    }
  },
};
