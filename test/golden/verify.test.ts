// systemd itself as the oracle: every unit the generator writes for a golden case must load in
// `systemd-analyze verify` without a warning. verify exits 0 on warnings, so its stderr is read.
// It runs with --root on a tree laid out like the container after the generator ran: the host's
// own units (targets) in /usr/lib/systemd/system, the generated units in /etc/systemd/system and
// each package at its stable path, so Exec paths are checked where systemd would find them.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseUnitFile } from '../../sdk/unit-file/parse.ts';
import { getEntries } from '../../sdk/unit-file/lookup.ts';
import { parseCommandLine } from '../../sdk/unit-file/command-line.ts';
import { EXEC_DIRECTIVES } from '../../sdk/unit-file/exec-search.ts';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listCases, runCase, writeTree } from './golden.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.systemdAnalyze, requirement.mksquashfs], 'systemd-analyze verify oracle');
const HOST_UNITS = ['/usr/lib/systemd/system', '/lib/systemd/system'];

function hostUnitDir(): string {
  for (const d of HOST_UNITS) {
    try {
      readFileSync(join(d, 'multi-user.target'));
      return d;
    } catch {
      /* try the next */
    }
  }
  throw new Error('no multi-user.target on this machine');
}

describe.skipIf(missing.length > 0)('systemd-analyze verify on generated units', () => {
  for (const name of listCases()) {
    it(`${name}: every generated unit loads without a warning`, async () => {
      const run = runCase(name);
      try {
        const status = run.status as { services: { state: string; name: string; where?: string; source?: string }[] };
        const root = join(run.work, 'verify-root');
        cpSync(hostUnitDir(), join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
        writeTree(join(root, 'etc/systemd/system'), run.units);
        for (const s of status.services) {
          if (s.state !== 'enabled' || !s.where || !s.source) continue;
          const source = join(run.work, 'root', s.source);
          if (statSync(source).isFile()) {
            // An image: unpack it where its loop mount would show it.
            mkdirSync(join(root, dirname(s.where)), { recursive: true });
            await execa('unsquashfs', ['-no-progress', '-quiet', '-d', join(root, s.where), source], { timeout: 60_000 });
          } else {
            mkdirSync(join(root, s.where), { recursive: true });
            cpSync(source, join(root, s.where), { recursive: true });
          }
        }
        // verify does not apply RootDirectory= when it checks executables, so a chrooted
        // package's programs are also put where verify looks for them.
        for (const s of status.services as { state: string; mode?: string; source?: string }[]) {
          if (s.state === 'enabled' && s.mode === 'chroot' && s.source) cpSync(join(run.work, 'root', s.source), root, { recursive: true });
        }
        // Programs the units take from the container's base image (e.g. /bin/kill) come from this machine.
        for (const [path, entry] of Object.entries(run.units)) {
          if (!('file' in entry) || !/\.(service|socket|conf)$/.test(path)) continue;
          const file = parseUnitFile(entry.file);
          for (const [section, keys] of Object.entries(EXEC_DIRECTIVES)) {
            for (const key of keys) {
              for (const e of getEntries(file, section, key)) {
                const parsed = parseCommandLine(e.value);
                if (!parsed.ok) continue;
                for (const c of parsed.commands) {
                  if (c.path.startsWith('/') && !existsSync(join(root, c.path)) && existsSync(c.path)) {
                    mkdirSync(join(root, dirname(c.path)), { recursive: true });
                    cpSync(c.path, join(root, c.path));
                  }
                }
              }
            }
          }
        }
        const units = Object.keys(run.units).filter((p) => !p.includes('/'));
        expect(units.length).toBeGreaterThanOrEqual(3);
        const r = await execa('systemd-analyze', ['verify', `--root=${root}`, ...units], {
          reject: false,
          timeout: 60_000,
          env: { SYSTEMD_LOG_COLOR: '0' },
        });
        // Lines about units of the host are not ours; every line naming a generated unit is.
        const ours = r.stderr.split('\n').filter((l) => l.trim() !== '' && units.some((u) => l.includes(u)));
        expect(ours).toEqual([]);
        expect(r.exitCode).toBe(0);
      } finally {
        run.cleanup();
        rmSync(run.work, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
