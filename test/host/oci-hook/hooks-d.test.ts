// The shipped hook files. One invalid file in a hooks directory makes every container on the host
// fail to start, and a precreate hook where CRI-O reads makes CRI-O reject it: hold each file to
// the hooks 1.0.0 schema as containers/common reads it, and each directory to what its engine accepts.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES_ANNOTATION } from '../../../host/oci-hook/config.ts';

const DIR = join(import.meta.dirname, '../../../host/oci-hook/hooks.d');
const STAGES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop', 'precreate'];
const HOOK_KEYS = ['path', 'args', 'env', 'timeout'];

interface HookFile {
  version: string;
  hook: { path: string; args?: string[]; env?: string[]; timeout?: number };
  when: { always?: boolean; annotations?: Record<string, string>; commands?: string[]; hasBindMounts?: boolean };
  stages: string[];
}

function hookFiles(sub: string): [string, HookFile][] {
  return readdirSync(join(DIR, sub))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(DIR, sub, f), 'utf8')) as HookFile]);
}

describe('shipped OCI hook files', () => {
  for (const sub of ['podman', 'podman-precreate', 'crio']) {
    for (const [file, h] of hookFiles(sub)) {
      it(`${sub}/${file} is a valid 1.0.0 hook for the bundled bin, with a timeout and an anchored selection`, () => {
        expect(Object.keys(h).sort()).toEqual(['hook', 'stages', 'version', 'when']);
        expect(h.version).toBe('1.0.0');
        expect(Object.keys(h.hook).every((k) => HOOK_KEYS.includes(k))).toBe(true);
        expect(h.hook.path).toBe('/usr/local/bin/composable-oci-hook');
        expect(h.hook.args?.[0]).toBe('composable-oci-hook');
        // The stage the bin is told must be the stage the engine runs it at.
        expect(h.stages).toEqual([h.hook.args?.[1]]);
        expect(STAGES).toContain(h.stages[0]);
        expect(h.hook.timeout).toBeGreaterThan(0);
        expect(h.hook.timeout).toBeLessThanOrEqual(30);
        // A hook's environment is exactly this list: node and nsenter must be on its PATH.
        expect(h.hook.env?.some((e) => /^PATH=.*\/usr\/bin/.test(e))).toBe(true);
        expect(h.when.always).toBeUndefined();
        const keys = Object.keys(h.when.annotations ?? {});
        expect(keys).toHaveLength(1);
        const keyRe = new RegExp(keys[0]);
        expect(keyRe.test(SERVICES_ANNOTATION)).toBe(true);
        // Anchored: neither a longer nor a prefixed annotation name selects.
        expect(keyRe.test(`${SERVICES_ANNOTATION}.extra`)).toBe(false);
        expect(keyRe.test(`x${SERVICES_ANNOTATION}`)).toBe(false);
        const valueRe = new RegExp(h.when.annotations![keys[0]]);
        expect(valueRe.test('logship health')).toBe(true);
        expect(valueRe.test('')).toBe(false);
      });
    }
  }

  it('precreate only in the podman-only directory; podman and CRI-O get createRuntime and poststop', () => {
    const stages = (sub: string) =>
      hookFiles(sub)
        .flatMap(([, h]) => h.stages)
        .sort();
    expect(stages('podman')).toEqual(['createRuntime', 'poststop']);
    expect(stages('crio')).toEqual(['createRuntime', 'poststop']);
    expect(stages('podman-precreate')).toEqual(['precreate']);
  });

  it("the containers.conf snippet keeps podman's default hook directories and adds the precreate one", () => {
    const conf = readFileSync(join(DIR, 'podman-precreate/containers.conf'), 'utf8');
    expect(conf).toMatch(/^\[engine\]$/m);
    for (const d of ['/usr/share/containers/oci/hooks.d', '/etc/containers/oci/hooks.d', '/etc/composable/podman-hooks.d'])
      expect(conf).toContain(`"${d}"`);
  });

  it('the example host config is valid', async () => {
    const { parseHookConfig } = await import('../../../host/oci-hook/config.ts');
    const r = parseHookConfig(readFileSync(join(DIR, 'hook.example.json'), 'utf8'), 'hook.example.json');
    expect(r).toMatchObject({ ok: true });
  });
});
