// Decides whether tests that need the real system (root, systemd-nspawn, debootstrap,
// systemd-analyze ...) can run. Outside CI a missing requirement skips the suite with one line
// naming what is missing; under CI=true it is a failure, because CI must prove the real thing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { detectSandboxTools } from '../../sdk/testing/sandbox-tool.ts';

export interface Requirement {
  name: string;
  present: () => boolean;
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;
export const inCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

export const requirement = {
  root: { name: 'root', present: isRoot },
  nspawn: { name: 'systemd-nspawn (apt install systemd-container)', present: () => hasCommand('systemd-nspawn') },
  debootstrap: { name: 'debootstrap (apt install debootstrap)', present: () => hasCommand('debootstrap') },
  systemdAnalyze: { name: 'systemd-analyze (apt install systemd)', present: () => hasCommand('systemd-analyze') },
  systemdEscape: { name: 'systemd-escape (apt install systemd)', present: () => hasCommand('systemd-escape') },
  mksquashfs: { name: 'mksquashfs (apt install squashfs-tools)', present: () => hasCommand('mksquashfs') },
  podman: { name: 'podman and runc (apt install podman runc)', present: () => hasCommand('podman') && hasCommand('runc') },
  loopDevices: { name: 'loop devices (/dev/loop-control; modprobe loop)', present: () => existsSync('/dev/loop-control') },
  // What composable test's sandbox needs: root, an unshare(1) that can make a mount namespace here, setpriv(1).
  testSandbox: {
    name: 'root with a working unshare and setpriv (util-linux)',
    present: () => {
      const tools = detectSandboxTools();
      return tools.unshare !== undefined && tools.setpriv !== undefined;
    },
  },
} satisfies Record<string, Requirement>;

/**
 * Returns the names of missing requirements. Under CI a missing requirement throws, so the suite
 * fails loudly instead of skipping silently. Use as:
 *   const missing = missingRequirements([requirement.root, requirement.nspawn]);
 *   describe.skipIf(missing.length > 0)(...)
 * and log `skipping: needs ...` once.
 */
export function missingRequirements(reqs: Requirement[], suite = 'this suite'): string[] {
  const missing = reqs.filter((r) => !r.present()).map((r) => r.name);
  if (missing.length > 0) {
    if (inCI()) throw new Error(`${suite} must run under CI=true but needs: ${missing.join(', ')}`);
    console.warn(`skipping ${suite}: needs ${missing.join(', ')}`);
  }
  return missing;
}
