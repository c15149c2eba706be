// What the kubelet makes of a ConfigMap or projected volume, for tests of what is mounted from one:
// its atomic writer's layout (pkg/volume/util/atomic_writer.go). The files are in a timestamped
// directory `..<time>`, `..data` links to it, and each top-level entry of the volume is a link
// `NAME -> ..data/NAME`, so a file's own name is kept at the end of every chain; `items` map keys to
// paths, which may have directories. Files get the item's mode, else the volume's defaultMode.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface KubeletConfigMap {
  metadata: { name: string };
  data?: Record<string, string>;
}

type Items = { key: string; path: string; mode?: number }[];
export interface KubeletVolume {
  configMap?: { name: string; items?: Items; defaultMode?: number };
  projected?: { sources: { configMap?: { name: string; items?: Items } }[]; defaultMode?: number };
}

/** Write the volume `volume` as the kubelet would, into the (new) directory `dir`. */
export function mountConfigMapVolume(dir: string, volume: KubeletVolume, configMaps: readonly KubeletConfigMap[]): void {
  const sources = volume.projected
    ? volume.projected.sources.map((s) => s.configMap).filter((c) => c !== undefined)
    : volume.configMap
      ? [volume.configMap]
      : [];
  const defaultMode = volume.projected?.defaultMode ?? volume.configMap?.defaultMode ?? 0o644;
  const stamp = '..2026_12_07_13_00_00.000000001';
  const top = new Set<string>();
  mkdirSync(join(dir, stamp), { recursive: true });
  for (const source of sources) {
    const cm = configMaps.find((c) => c.metadata.name === source.name);
    if (!cm) throw new Error(`the volume names ConfigMap ${source.name}, which is not there: the pod would not start`);
    const items: Items = source.items ?? Object.keys(cm.data ?? {}).map((key) => ({ key, path: key }));
    for (const item of items) {
      const value = cm.data?.[item.key];
      if (value === undefined) throw new Error(`ConfigMap ${source.name} has no key ${item.key}: the pod would not start`);
      if (item.path.split('/').some((p) => p === '..') || item.path.startsWith('/')) throw new Error(`bad item path ${item.path}`);
      const file = join(dir, stamp, item.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, value, { flag: 'wx' });
      chmodSync(file, item.mode ?? defaultMode);
      top.add(item.path.split('/')[0]!);
    }
  }
  symlinkSync(stamp, join(dir, '..data'));
  for (const name of top) symlinkSync(join('..data', name), join(dir, name));
}
