// What the container may do: the effective capability set of the process reading it, from the
// `CapEff:` line of /proc/self/status (proc(5)). The generator runs as PID 1's child with PID 1's
// capabilities, so its own set is what systemd has for mounts and namespaces. The pure planner
// gets the result as an input field; with COMPOSABLE_ROOT the file is read below that root, so
// tests give a capability set as `<root>/proc/self/status`.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
// In bit order (linux/capability.h), so the CapEff: mask reads by index.
import { CAPABILITY_NAMES } from '../../sdk/schema/common.ts';

export const PROC_STATUS_PATH = '/proc/self/status';

export interface ContainerCapabilities {
  /** Where the set was read (a container path). */
  source: string;
  /** Effective capabilities, by name (`CAP_SYS_ADMIN`); bits newer than this table as `CAP_<bit>`. */
  effective: string[];
}

/** Names of the capabilities set in a hexadecimal mask as /proc prints it (`00000000a80425fb`). */
export function capabilityNames(mask: string): string[] | undefined {
  if (!/^[0-9a-fA-F]{1,16}$/.test(mask)) return undefined;
  const bits = BigInt(`0x${mask}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((bits >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `CAP_${bit}`);
  }
  return names;
}

/** The effective set from the text of /proc/<pid>/status; undefined when it has no valid CapEff line. */
export function parseProcStatusCapabilities(text: string, source = PROC_STATUS_PATH): ContainerCapabilities | undefined {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(text);
  const effective = m ? capabilityNames(m[1]!) : undefined;
  return effective ? { source, effective } : undefined;
}

/**
 * The capabilities of the container rooted at `root`. Undefined when they cannot be read (no
 * /proc, as in a dry run on a copied root): the planner then assumes every capability, which is
 * what the generator did before it looked.
 */
export function readCapabilities(root: string = process.env.COMPOSABLE_ROOT ?? '/'): ContainerCapabilities | undefined {
  const text = readSmallFile(join(root, PROC_STATUS_PATH));
  return text === undefined ? undefined : parseProcStatusCapabilities(text);
}

/**
 * A regular file of at most 64 KiB, read to its end: /proc files report size 0, so the size is
 * not trusted. Non-blocking and not through a final symlink, so a FIFO or a link in a test root
 * cannot hang the generator.
 */
function readSmallFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(64 * 1024);
    let have = 0;
    for (;;) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n === 0 || have + n >= buf.length) return buf.toString('utf8', 0, have + n);
      have += n;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
