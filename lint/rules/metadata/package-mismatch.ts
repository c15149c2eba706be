// What the metadata says about a package must be what the package is: `name` its ID, `version`
// its VERSION_ID, `digest` its content digest, `units` units it ships. The generator skips a
// service on any mismatch, so a stale metadata file starts nothing.
import { existsSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { hostPath, PACKAGE_OS_RELEASE, PACKAGE_UNIT_DIR, STORE_ROOT, stablePath } from '../../../sdk/contract.ts';
import { packageDigest } from '../../../sdk/digest.ts';
import { PackageTree } from '../../../sdk/fs/safe-read.ts';
import { parseOsRelease } from '../../../sdk/os-release.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc, stringArray } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/package-mismatch',
    severity: 'error',
    description: 'Metadata name, version, digest or units that do not match the package',
    messages: {
      name: 'Service "{{name}}": the package at {{source}} has ID={{id}}',
      version: 'Service "{{name}}": version {{version}} but the package has VERSION_ID={{actual}}',
      digest: 'Service "{{name}}": digest does not match the package ({{actual}})',
      unit: 'Service "{{name}}": unit {{unit}} is not in the package',
    },
    hint: {
      name: 'Set "name" to "{{id}}" or point `source` at the right package.',
      version: 'Set "version" to "{{actual}}", or drop it.',
      digest: 'Recompute it with `composable inspect`, or drop "digest".',
      unit: 'List only units in {{unitDir}}/ of the package: {{available}}.',
    },
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    for (const s of doc.services) {
      const source = s.value.source;
      if (typeof source !== 'string') continue;
      // A store package, or one the engine already mounted at its stable path (checked when it is there).
      if (!posix.normalize(source).startsWith(`${STORE_ROOT}/`) && !(s.name !== undefined && source === stablePath(s.name))) continue;
      const dir = hostPath(posix.normalize(source), ctx.metadata.root);
      let osText: string;
      try {
        // Through the safe reader: a FIFO or a link out of the package must not block or leak.
        const read = new PackageTree(dir).readText(PACKAGE_OS_RELEASE);
        if (!read.ok) throw new Error(read.problem.message);
        osText = read.value;
      } catch {
        continue; // metadata/missing-package
      }
      const fields = parseOsRelease(osText).fields;
      const name = s.name ?? `services[${s.index}]`;
      if (s.name !== undefined && fields.ID !== undefined && fields.ID !== s.name) {
        ctx.report({ messageId: 'name', data: { name, source, id: fields.ID }, range: doc.rangeOf(['services', s.index, 'name']) });
      }
      if (typeof s.value.version === 'string' && fields.VERSION_ID !== undefined && s.value.version !== fields.VERSION_ID) {
        ctx.report({
          messageId: 'version',
          data: { name, version: s.value.version, actual: fields.VERSION_ID },
          range: doc.rangeOf(['services', s.index, 'version']),
        });
      }
      if (typeof s.value.digest === 'string') {
        let actual: string | undefined;
        try {
          actual = packageDigest(dir);
        } catch {
          actual = undefined;
        }
        if (actual && actual !== s.value.digest)
          ctx.report({ messageId: 'digest', data: { name, actual }, range: doc.rangeOf(['services', s.index, 'digest']) });
      }
      const units = stringArray(s.value.units);
      if (units.length > 0) {
        const unitDir = posix.join(dir, PACKAGE_UNIT_DIR);
        const available = existsSync(unitDir) ? readdirSync(unitDir).sort() : [];
        units.forEach((unit, i) => {
          if (available.includes(unit)) return;
          // An instance of a shipped template is fine.
          const at = unit.indexOf('@');
          if (at >= 0 && available.includes(`${unit.slice(0, at + 1)}${unit.slice(unit.lastIndexOf('.'))}`)) return;
          ctx.report({
            messageId: 'unit',
            data: { name, unit, unitDir: PACKAGE_UNIT_DIR, available: available.join(', ') || 'none' },
            range: doc.rangeOf(['services', s.index, 'units', i]),
          });
        });
      }
    }
  },
};
