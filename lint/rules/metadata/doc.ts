// The metadata document as the metadata rules see it: parsed once, with positions, and the
// services as far as they have the right shape (so one broken field does not hide other problems).
import type { SourceRange } from '../../../sdk/unit-file/types.ts';
import { jsonPath } from '../../../sdk/schema/issues.ts';
import type { LintMetadata } from '../../types.ts';
import { parseJsonWithPositions, type JsonLocated } from '../../util/json.ts';

export interface RawService {
  index: number;
  /** JSON path of the service object: `services[0]`. */
  path: string;
  value: Record<string, unknown>;
  name?: string;
}

export interface MetadataDoc {
  located: JsonLocated;
  services: RawService[];
  /** Range of the value at a JSON path, else of the closest ancestor that has one. */
  rangeOf(path: readonly PropertyKey[]): SourceRange | undefined;
  keyRangeOf(path: readonly PropertyKey[]): SourceRange | undefined;
}

const cache = new WeakMap<LintMetadata, MetadataDoc>();

export function metadataDoc(md: LintMetadata): MetadataDoc {
  const hit = cache.get(md);
  if (hit) return hit;
  const located = parseJsonWithPositions(md.text.replace(/^\uFEFF/, ''));
  const services: RawService[] = [];
  const root = located.value as { services?: unknown } | undefined;
  if (root && typeof root === 'object' && Array.isArray(root.services)) {
    root.services.forEach((s, index) => {
      if (s && typeof s === 'object' && !Array.isArray(s)) {
        const value = s as Record<string, unknown>;
        services.push({ index, path: `services[${index}]`, value, name: typeof value.name === 'string' ? value.name : undefined });
      }
    });
  }
  const rangeOf = (path: readonly PropertyKey[]): SourceRange | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const r = located.ranges.get(jsonPath(path.slice(0, n)));
      if (r) return r;
    }
    return undefined;
  };
  const keyRangeOf = (path: readonly PropertyKey[]): SourceRange | undefined => located.keyRanges.get(jsonPath(path)) ?? rangeOf(path);
  const doc = { located, services, rangeOf, keyRangeOf };
  cache.set(md, doc);
  return doc;
}

export function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
