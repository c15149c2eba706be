// portablectl's naming rules (host/portable.ts) and the `portablectl attach` line of composable inspect.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { portablectlAttach, portablePrefixOf, type PortableImage } from '../../host/portable.ts';

const CLI = join(import.meta.dirname, '../../dist/composable.mjs');
const image = (over: Partial<PortableImage>): PortableImage => ({
  path: '/srv/heartbeat',
  kind: 'directory',
  name: 'heartbeat',
  version: '1.0.0',
  mode: 'chroot',
  profile: 'default',
  prefixes: ['heartbeat'],
  ...over,
});

describe('portablePrefixOf (portablectl extract_prefix)', () => {
  it('cuts at the first "_", else drops .raw, and takes only letters, digits, "-" and "."', () => {
    expect(portablePrefixOf('heartbeat_1.0.0.raw')).toEqual({ prefix: 'heartbeat', valid: true });
    expect(portablePrefixOf('heartbeat.raw')).toEqual({ prefix: 'heartbeat', valid: true });
    expect(portablePrefixOf('heartbeat')).toEqual({ prefix: 'heartbeat', valid: true });
    expect(portablePrefixOf('heartbeat-1.0.0')).toEqual({ prefix: 'heartbeat-1.0.0', valid: true });
    expect(portablePrefixOf('my_app_1.0.raw').prefix).toBe('my');
    expect(portablePrefixOf('my:app.raw').valid).toBe(false);
  });
});

describe('portablectlAttach', () => {
  it("gives the bare command when the image name gives portablectl the package's prefix", () => {
    expect(portablectlAttach(image({}))).toEqual({
      command: 'portablectl attach --enable --now --profile=default /srv/heartbeat',
      detach: 'portablectl detach --enable --now /srv/heartbeat',
    });
    expect(portablectlAttach(image({ path: '/srv/heartbeat_1.0.0.raw', kind: 'raw', profile: 'trusted' }))).toEqual({
      command: 'portablectl attach --enable --now --profile=trusted /srv/heartbeat_1.0.0.raw',
      detach: 'portablectl detach --enable --now /srv/heartbeat_1.0.0.raw',
    });
  });

  it('adds the prefixes when the name does not give them, and says how to avoid it', () => {
    const r = portablectlAttach(image({ path: '/srv/heartbeat-1.0.0' }));
    expect(r.command).toBe('portablectl attach --enable --now --profile=default /srv/heartbeat-1.0.0 heartbeat');
    expect('note' in r && r.note).toContain('named heartbeat it would need no prefix arguments');
    expect('detach' in r && r.detach).toBe('portablectl detach --enable --now /srv/heartbeat-1.0.0 heartbeat');
    expect(portablectlAttach(image({ prefixes: ['heartbeat', 'hb'] })).command).toBe(
      'portablectl attach --enable --now --profile=default /srv/heartbeat heartbeat hb',
    );
    expect(portablectlAttach(image({ path: "/srv/it's here/heartbeat" })).command).toBe(
      "portablectl attach --enable --now --profile=default '/srv/it'\\''s here/heartbeat'",
    );
  });

  it('gives none for host-mode packages, tar archives and squashfs files not named .raw', () => {
    expect(portablectlAttach(image({ mode: 'host' }))).toMatchObject({
      command: null,
      reason: expect.stringContaining('host-mode package is not a portable image'),
    });
    expect(portablectlAttach(image({ kind: 'tar', path: '/srv/heartbeat-1.0.0.tar.gz' }))).toMatchObject({
      command: null,
      reason: expect.stringContaining('heartbeat_1.0.0.raw'),
    });
    expect(portablectlAttach(image({ kind: 'squashfs', path: '/srv/heartbeat-1.0.0.squashfs' }))).toMatchObject({
      command: null,
      reason: expect.stringContaining('rename it to that'),
    });
  });
});

describe('composable inspect', () => {
  it('prints the portablectl line, in text and JSON', async () => {
    const r = await execa('node', [CLI, 'inspect', 'examples/health'], { cwd: join(import.meta.dirname, '../..'), reject: false });
    expect(r.stdout).toContain('  portablectl  none: a host-mode package is not a portable image');
    const j = await execa('node', [CLI, 'inspect', 'examples/heartbeat', '--json'], {
      cwd: join(import.meta.dirname, '../..'),
      reject: false,
    });
    const dir = join(import.meta.dirname, '../../examples/heartbeat');
    expect(JSON.parse(j.stdout).portablectl).toEqual({
      command: `portablectl attach --enable --now --profile=default ${dir}`,
      detach: `portablectl detach --enable --now ${dir}`,
    });
  });
});
