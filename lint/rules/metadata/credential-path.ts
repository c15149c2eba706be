// Credentials are files the agent writes below /run/composable/credentials/<service>/ (0700
// directory, 0600 file). A path elsewhere is somewhere the agent does not manage: another
// service's secrets, or a world-readable file.
import { posix } from 'node:path';
import { CREDENTIALS_ROOT } from '../../../sdk/contract.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/credential-path',
    severity: 'error',
    description: 'Credential paths outside /run/composable/credentials/<service>/',
    messages: {
      outside: 'services[{{index}}].credentials.{{cred}} is {{path}}, outside {{root}}/',
      otherService: 'services[{{index}}].credentials.{{cred}} is {{path}}, in the directory of service "{{owner}}", not "{{name}}"',
    },
    hint: 'Write the secret to {{root}}/{{name}}/{{cred}} (writeCredential() in the SDK) and name that path.',
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    for (const s of doc.services) {
      const creds = s.value.credentials;
      if (!creds || typeof creds !== 'object' || Array.isArray(creds)) continue;
      for (const [cred, value] of Object.entries(creds as Record<string, unknown>)) {
        if (typeof value !== 'string') continue;
        const path = posix.normalize(value);
        const range = doc.rangeOf(['services', s.index, 'credentials', cred]);
        const name = s.name ?? '?';
        if (!path.startsWith(`${CREDENTIALS_ROOT}/`)) {
          ctx.report({ messageId: 'outside', data: { index: s.index, cred, path: value, root: CREDENTIALS_ROOT, name }, range });
          continue;
        }
        const owner = path.slice(CREDENTIALS_ROOT.length + 1).split('/')[0]!;
        if (s.name !== undefined && owner !== s.name) {
          ctx.report({
            messageId: 'otherService',
            data: { index: s.index, cred, path: value, owner, name, root: CREDENTIALS_ROOT },
            range,
          });
        }
      }
    }
  },
};
