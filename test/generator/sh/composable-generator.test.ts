// The node-free generator (generator/sh/composable-generator.sh) under dash and busybox sh, on
// renders of the golden cases: a render that fits is linked into place and is, through the links,
// exactly the node generator's tree; one that does not fit enables nothing, says why in
// status.json and exits 0, so the container boots.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatusSchema } from '../../../sdk/schema/status.ts';
import { parseAllDocuments, stringify } from 'yaml';
import { renderDocuments, renderFromRoot } from '../../../host/render/render.ts';
import { renderUnitsForKube } from '../../../host/kube.ts';
import { mountConfigMapVolume } from '../../helpers/kubelet.ts';
import { writeRender } from '../../../host/render/write-render.ts';
import { CASES_DIR, expectedOf, listCases, type Tree } from '../../golden/golden.ts';
import { hasCommand, missingRequirements } from '../../helpers/requirements.ts';

const SCRIPT = join(import.meta.dirname, '../../../generator/sh/composable-generator.sh');
const SHELLS = [
  { name: 'dash', argv: ['dash'] },
  { name: 'busybox sh', argv: ['busybox', 'sh'] },
];
const missing = missingRequirements(
  [
    { name: 'dash (apt install dash)', present: () => hasCommand('dash') },
    { name: 'busybox (apt install busybox-static)', present: () => hasCommand('busybox') },
    { name: 'shellcheck (apt install shellcheck)', present: () => hasCommand('shellcheck') },
  ],
  'the sh generator tests',
);

const work = mkdtempSync(join(tmpdir(), 'composable-shgen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);
let n = 0;

/** A copy of a golden case's root with its render in place, and an empty NORMAL directory. */
function rendered(name: string): { root: string; normal: string } {
  const dir = join(work, `${name}-${n++}`);
  const root = join(dir, 'root');
  cpSync(join(CASES_DIR, name, 'root'), root, { recursive: true, verbatimSymlinks: true });
  writeRender(join(root, 'run/composable/render'), renderFromRoot({ root }));
  const normal = join(dir, 'normal');
  mkdirSync(normal);
  return { root, normal };
}

/**
 * A golden case's root with its render mounted as `composable kube --render` ships it: the
 * ConfigMaps printed as YAML and read back, then laid out by the kubelet's atomic writer at
 * /run/composable/render. `maxBytes` makes ConfigMaps smaller than Kubernetes' limit, to split.
 */
function renderedForKube(name: string, maxBytes?: number): { root: string; normal: string; configMaps: number } {
  const dir = join(work, `${name}-kube-${n++}`);
  const root = join(dir, 'root');
  cpSync(join(CASES_DIR, name, 'root'), root, { recursive: true, verbatimSymlinks: true });
  const render = renderFromRoot({ root });
  const units = renderUnitsForKube('golden', { files: render.files, documents: renderDocuments(render) }, '#!/bin/sh\n', maxBytes);
  if (!units.ok) throw new Error(units.problems.join('\n'));
  const yaml = units.units.configMaps.map((c) => stringify(c, { lineWidth: 0 })).join('---\n');
  const configMaps = parseAllDocuments(yaml).map((d) => d.toJS());
  mountConfigMapVolume(join(root, 'run/composable/render'), units.units.volumes[0]!, configMaps);
  const normal = join(dir, 'normal');
  mkdirSync(normal);
  return { root, normal, configMaps: configMaps.length - 1 };
}

function run(shell: string[], root: string, normal: string): { status: number | null; stderr: string } {
  const r = spawnSync(shell[0]!, [...shell.slice(1), SCRIPT, normal, `${normal}.early`, `${normal}.late`], {
    env: { PATH: process.env.PATH, COMPOSABLE_ROOT: root },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: r.status, stderr: r.stderr };
}

/** NORMAL as systemd reads it: links into the render resolved to what they stand for. */
function effectiveTree(normal: string, render: string): Tree {
  const out: Tree = {};
  const add = (rel: string, path: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(path);
      if (!target.startsWith(`${render}/`)) {
        out[rel] = { symlink: target };
        return;
      }
      add(rel, target);
    } else if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(`${rel}/${name}`, join(path, name));
    } else out[rel] = { file: readFileSync(path, 'utf8') };
  };
  for (const name of readdirSync(normal).sort()) add(name, join(normal, name));
  return out;
}

describe.skipIf(missing.length > 0)('composable-generator.sh', () => {
  it('is shellcheck-clean as POSIX sh', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  for (const shell of SHELLS) {
    describe(shell.name, () => {
      for (const name of listCases()) {
        it(`${name}: puts the render in place; through the links it is the node generator's tree`, () => {
          const { root, normal } = rendered(name);
          const r = run(shell.argv, root, normal);
          expect(r.status, r.stderr).toBe(0);
          const expected = expectedOf(name);
          expect(effectiveTree(normal, join(root, 'run/composable/render/units'))).toEqual(expected.units);
          expect(JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'))).toEqual(expected.status);
        });
      }

      for (const name of listCases()) {
        it(`${name}: from the ConfigMaps of composable kube --render (flat, links listed), the node generator's tree`, () => {
          const { root, normal } = renderedForKube(name);
          const r = run(shell.argv, root, normal);
          expect(r.status, r.stderr).toBe(0);
          const expected = expectedOf(name);
          expect(effectiveTree(normal, join(root, 'run/composable/render/units'))).toEqual(expected.units);
          expect(JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'))).toEqual(expected.status);
        });
      }

      it('installs a render split over several ConfigMaps of one projected volume the same', () => {
        const { root, normal, configMaps } = renderedForKube('targets-and-after', 8000);
        expect(configMaps).toBeGreaterThan(2);
        const r = run(shell.argv, root, normal);
        expect(r.status, r.stderr).toBe(0);
        expect(effectiveTree(normal, join(root, 'run/composable/render/units'))).toEqual(expectedOf('targets-and-after').units);
      });

      it('enables nothing from the flat form either when the metadata changed, and takes back the links it made', () => {
        const { root, normal } = renderedForKube('host-mode');
        // A link the render lists is already there (another generator's): ln fails, everything of ours goes.
        const links = readFileSync(join(root, 'run/composable/render/links'), 'utf8').trim().split('\n');
        const last = links[links.length - 1]!.split(' ')[0]!;
        mkdirSync(join(normal, last, '..'), { recursive: true });
        symlinkSync('/usr/lib/systemd/system/other.service', join(normal, last));
        const r = run(shell.argv, root, normal);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/cannot link/);
        for (const line of links) {
          const [path, target] = line.split(' ');
          if (path === last) expect(readlinkSync(join(normal, path!))).toBe('/usr/lib/systemd/system/other.service');
          else expect(existsSync(join(normal, path!)) && readlinkSync(join(normal, path!)) === target).toBe(false);
        }
        expect(readdirSync(normal).filter((e) => !e.endsWith('.wants') && !e.endsWith('.requires'))).toEqual([]);
        const stale = renderedForKube('host-mode');
        writeFileSync(join(stale.root, 'run/composable/metadata.json'), '{"schemaVersion":1,"services":[]}\n');
        const s = run(shell.argv, stale.root, stale.normal);
        expect(s.status).toBe(0);
        expect(readdirSync(stale.normal)).toEqual([]);
        expect(s.stderr).toMatch(/metadata\.json changed/);
      });

      it('enables nothing from a links file with a path out of the generator directory', () => {
        const { root, normal } = renderedForKube('host-mode');
        const links = join(root, 'run/composable/render/links');
        // The kubelet's files are read-only to the pod; here the test stands in for a bad render.
        const real = realpathSync(links);
        writeFileSync(real, `${readFileSync(real, 'utf8')}../escape.service ../x.service\n`);
        const r = run(shell.argv, root, normal);
        expect(r.status).toBe(0);
        expect(r.stderr).toContain("links: bad path '../escape.service'");
        expect(readdirSync(normal).filter((e) => !e.endsWith('.wants') && !e.endsWith('.requires'))).toEqual([]);
        expect(existsSync(join(normal, '../escape.service'))).toBe(false);
      });

      const refused = (change: (root: string) => void, reason: RegExp) => () => {
        const { root, normal } = rendered('host-mode');
        change(root);
        const r = run(shell.argv, root, normal);
        expect(r.status, r.stderr).toBe(0);
        expect(readdirSync(normal)).toEqual([]);
        const status = JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'));
        expect(StatusSchema.safeParse(status).success).toBe(true);
        expect(status.services).toEqual([]);
        expect(status.metadata.reasons[0].code).toBe('render-stale');
        expect(status.metadata.reasons[0].message).toMatch(reason);
        expect(r.stderr).toMatch(reason);
      };
      it(
        'enables nothing when the metadata changed since the render',
        refused(
          (root) => writeFileSync(join(root, 'run/composable/metadata.json'), '{"schemaVersion":1,"services":[]}\n'),
          /metadata\.json changed/,
        ),
      );
      it(
        'enables nothing when a package is not there',
        refused((root) => rmSync(join(root, 'run/composable/store/logship-1.4.2'), { recursive: true }), /logship-1\.4\.2 is missing/),
      );
      it(
        'enables nothing when the container has a unit of a rendered name',
        refused((root) => {
          mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
          writeFileSync(join(root, 'etc/systemd/system/logship.service'), '[Service]\nExecStart=/bin/true\n');
        }, /\/etc\/systemd\/system\/logship\.service exists/),
      );
      it('enables nothing when CAP_SYS_ADMIN differs from what the render planned for', () => {
        // Rendered for a container with every capability (CapEff 000001ffffffffff), booted without CAP_SYS_ADMIN.
        const dir = join(work, `caps-${n++}`);
        const root = join(dir, 'root');
        cpSync(join(CASES_DIR, 'host-mode', 'root'), root, { recursive: true, verbatimSymlinks: true });
        mkdirSync(join(root, 'proc/self'), { recursive: true });
        writeFileSync(join(root, 'proc/self/status'), 'Name:\tsh\nCapEff:\t000001ffffffffff\n');
        writeRender(join(root, 'run/composable/render'), renderFromRoot({ root }));
        expect(readFileSync(join(root, 'run/composable/render/render.checks'), 'utf8')).toContain('cap-sys-admin 1');
        mkdirSync(join(dir, 'normal'));
        expect(run(shell.argv, root, join(dir, 'normal')).status).toBe(0);
        expect(readdirSync(join(dir, 'normal')).length).toBeGreaterThan(0);
        rmSync(join(dir, 'normal'), { recursive: true });
        mkdirSync(join(dir, 'normal'));
        writeFileSync(join(root, 'proc/self/status'), 'Name:\tsh\nCapEff:\t00000000a80425fb\n');
        const r = run(shell.argv, root, join(dir, 'normal'));
        expect(r.status).toBe(0);
        expect(readdirSync(join(dir, 'normal'))).toEqual([]);
        expect(r.stderr).toMatch(/CAP_SYS_ADMIN is 0 here, the render planned for 1/);
      });
      it(
        'fails closed on a check it does not know',
        refused((root) => {
          const checks = join(root, 'run/composable/render/render.checks');
          writeFileSync(checks, `${readFileSync(checks, 'utf8')}selinux-label system_u\n`);
        }, /unknown check 'selinux-label'/),
      );

      it("takes back what it linked when a link cannot be made, and leaves others' links alone", () => {
        const { root, normal } = rendered('host-mode');
        // Another generator already wrote a unit of a rendered name, and a link of its own into a .wants/.
        writeFileSync(join(normal, 'logship.service'), '[Service]\nExecStart=/bin/true\n');
        mkdirSync(join(normal, 'multi-user.target.wants'));
        symlinkSync('/usr/lib/systemd/system/other.service', join(normal, 'multi-user.target.wants/other.service'));
        const r = run(shell.argv, root, normal);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/cannot link the rendered units/);
        const left: string[] = [];
        const walk = (rel: string): void => {
          for (const e of readdirSync(join(normal, rel), { withFileTypes: true })) {
            const p = rel ? `${rel}/${e.name}` : e.name;
            left.push(p);
            if (e.isDirectory()) walk(p);
          }
        };
        walk('');
        // Nothing links into the render any more; the other generator's files are still there.
        for (const p of left) {
          const st = lstatSync(join(normal, p));
          if (st.isSymbolicLink()) expect(readlinkSync(join(normal, p))).not.toContain('/run/composable/render');
        }
        expect(left).toContain('logship.service');
        expect(left).toContain('multi-user.target.wants/other.service');
        const status = JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'));
        expect(status.metadata.reasons[0].code).toBe('render-stale');
      });

      it('does nothing without a render, and says how to call it without NORMAL', () => {
        const dir = join(work, `none-${n++}`);
        mkdirSync(join(dir, 'normal'), { recursive: true });
        expect(run(shell.argv, dir, join(dir, 'normal')).status).toBe(0);
        expect(readdirSync(join(dir, 'normal'))).toEqual([]);
        expect(existsSync(join(dir, 'run/composable/status.json'))).toBe(false);
        const usage = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), SCRIPT], {
          env: { PATH: process.env.PATH, COMPOSABLE_ROOT: dir },
          encoding: 'utf8',
        });
        expect(usage.status).toBe(2);
        expect(usage.stderr).toContain('usage: composable-generator NORMAL');
      });
    });
  }
});
