// The .mount unit that puts a package from the store at its stable path.
import { escapeSpecifiers } from './escape.ts';
import { renderUnit } from './render-unit.ts';
import { GENERATED_BY } from './targets.ts';
import { unitNameFromPath } from '../../sdk/unit-name.ts';
import type { OutputFile } from './types.ts';

export interface MountSpec {
  name: string;
  version: string;
  what: string;
  where: string;
  kind: 'directory' | 'image';
  imageType?: 'squashfs' | 'erofs';
  /** SourcePath=: the metadata the mount was generated from (stable: it exists before boot). */
  sourcePath: string;
}

export function mountUnitName(where: string): string {
  return unitNameFromPath(where, '.mount');
}

export function planMount(m: MountSpec): { file: OutputFile; problems: string[] } {
  const mount: [string, string][] =
    m.kind === 'directory'
      ? [
          ['What', escapeSpecifiers(m.what)],
          ['Where', escapeSpecifiers(m.where)],
          ['Type', 'none'],
          ['Options', 'bind,ro,nosuid,nodev'],
        ]
      : [
          ['What', escapeSpecifiers(m.what)],
          ['Where', escapeSpecifiers(m.where)],
          ['Type', m.imageType ?? 'squashfs'],
          ['Options', 'loop,ro,nosuid,nodev'],
        ];
  const { content, problems } = renderUnit(`${GENERATED_BY} for ${m.name} ${m.version}; do not edit.`, [
    [
      'Unit',
      [
        ['Description', `composable package ${m.name} ${m.version}`],
        ['SourcePath', escapeSpecifiers(m.sourcePath)],
      ],
    ],
    ['Mount', mount],
  ]);
  return { file: { kind: 'file', path: mountUnitName(m.where), content }, problems };
}
