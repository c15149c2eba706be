// Small packages built on the fly for the real-systemd scenarios.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElf } from '../../sdk/artifact/elf.ts';

export interface TestPackage {
  name: string;
  version?: string;
  target?: string;
  mode?: 'host' | 'chroot';
  profile?: string;
  /** Files relative to the package root (executables get mode 0755 when under usr/bin). */
  files?: Record<string, string>;
  /** Unit files by name. */
  units: Record<string, string>;
}

const built: string[] = [];

/** Remove every package directory built in this process (test suites call it when done). */
export function removeBuiltPackages(): void {
  for (const d of built.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function buildPackage(p: TestPackage): { dir: string; storeName: string } {
  const dir = mkdtempSync(join(tmpdir(), `composable-e2e-pkg-${p.name}-`));
  built.push(dir);
  const version = p.version ?? '1.0.0';
  const lines = [`NAME=${p.name}`, `ID=${p.name}`, `VERSION_ID=${version}`];
  if (p.target) lines.push(`COMPOSABLE_TARGET=${p.target}`);
  if (p.mode) lines.push(`COMPOSABLE_MODE=${p.mode}`);
  if (p.profile) lines.push(`COMPOSABLE_PROFILE=${p.profile}`);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), `${lines.join('\n')}\n`);
  for (const [name, text] of Object.entries(p.units)) writeFileSync(join(dir, 'usr/lib/systemd/system', name), text);
  for (const [rel, text] of Object.entries(p.files ?? {})) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    if (rel.includes('bin/')) chmodSync(join(dir, rel), 0o755);
  }
  chmodSync(dir, 0o755);
  return { dir, storeName: `${p.name}-${version}` };
}

/** A simple long-running service whose program is a shell script inside the package. */
export function daemonPackage(name: string, target: string, extra: Partial<TestPackage> = {}): TestPackage {
  return {
    name,
    target,
    // Not `exec sleep`: the main process stays the script, so its command line shows where it ran from.
    files: { [`usr/bin/${name}`]: '#!/bin/sh\necho "$0 started"\nwhile :; do sleep 3600; done\n' },
    units: {
      [`${name}.service`]:
        `[Unit]\nDescription=${name}\n# The test records stops in /results, so it must stop before ` +
        `/results is unmounted (After= a mount: ordering only).\nAfter=results.mount\n\n[Service]\nExecStart=/usr/bin/${name}\n` +
        `ExecStopPost=/bin/sh -c 'echo ${name} >> /results/stops'\n\n[Install]\nWantedBy=multi-user.target\n`,
    },
    ...extra,
  };
}

/**
 * A chroot-mode package around the static busybox of Debian's busybox-static package: the
 * package carries its own program and the mount points a chrooted service needs.
 */
export function busyboxChrootPackage(name: string, busybox = '/bin/busybox'): { dir: string; storeName: string } {
  const elf = readElf(busybox);
  if (!elf || elf.interpreter) throw new Error(`${busybox} must be a static binary: apt-get install busybox-static`);
  const pkg = buildPackage({
    name,
    mode: 'chroot',
    units: {
      [`${name}.service`]:
        `[Unit]\nDescription=${name} (chroot)\n\n[Service]\nExecStart=/bin/busybox sh -c 'echo "${name}: ` +
        `hello from the chroot"; ls / > /tmp/root-listing; exec busybox sleep 1000000'\n\n[Install]\n` +
        `WantedBy=multi-user.target\n`,
    },
    files: { 'etc/machine-id': '', 'etc/resolv.conf': '' },
  });
  for (const d of ['bin', 'proc', 'sys', 'dev', 'run', 'tmp', 'var/tmp']) mkdirSync(join(pkg.dir, d), { recursive: true });
  copyFileSync(busybox, join(pkg.dir, 'bin/busybox'));
  chmodSync(join(pkg.dir, 'bin/busybox'), 0o755);
  return pkg;
}

export function serviceEntry(pkg: { storeName: string }, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, source: `/run/composable/store/${pkg.storeName}`, ...extra };
}
