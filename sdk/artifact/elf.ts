// Just enough of ELF (the System V ABI's object file format) to tell an executable's machine, its
// type and whether it is statically or dynamically linked (a PT_INTERP program header names the
// dynamic loader; PT_DYNAMIC without one is a static PIE).
import { closeSync, openSync, readSync } from 'node:fs';

export interface ElfInfo {
  bits: 32 | 64;
  littleEndian: boolean;
  /** e_type: 2 executable, 3 shared object / PIE. */
  type: number;
  /** e_machine number. */
  machine: number;
  machineName: string;
  /** Program interpreter (dynamic loader), when dynamically linked. */
  interpreter?: string;
  hasDynamic: boolean;
}

/** e_machine values (elf.h) of the architectures node runs on. */
export const ELF_MACHINES: Record<number, string> = {
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 's390x',
  40: 'ARM',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

const NODE_ARCH_MACHINE: Record<string, number> = {
  ia32: 3,
  x64: 62,
  arm: 40,
  arm64: 183,
  ppc64: 21,
  s390x: 22,
  riscv64: 243,
  mips: 8,
  mipsel: 8,
  loong64: 258,
};

/** e_machine of the machine we run on (process.arch). */
export function hostElfMachine(arch: string = process.arch): number | undefined {
  return NODE_ARCH_MACHINE[arch];
}

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** Reads the ELF header and program headers of `path`; undefined when it is not a valid ELF file. */
export function readElf(path: string): ElfInfo | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const h = readAt(fd, 0, 64);
    if (!isElf(h) || h.length < 52) return undefined;
    const bits = h[4] === 2 ? 64 : h[4] === 1 ? 32 : undefined;
    const little = h[5] === 1 ? true : h[5] === 2 ? false : undefined;
    if (bits === undefined || little === undefined) return undefined;
    const u16 = (b: Buffer, o: number): number => (little ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number): number => Number(little ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const type = u16(h, 16);
    const machine = u16(h, 18);
    const phoff = bits === 64 ? u64(h, 32) : u32(h, 28);
    const phentsize = u16(h, bits === 64 ? 54 : 42);
    const phnum = u16(h, bits === 64 ? 56 : 44);
    const info: ElfInfo = {
      bits,
      littleEndian: little,
      type,
      machine,
      machineName: ELF_MACHINES[machine] ?? `machine ${machine}`,
      hasDynamic: false,
    };
    if (phoff === 0 || phnum === 0 || phentsize < (bits === 64 ? 56 : 32) || phnum > 4096) return info;
    const ph = readAt(fd, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      if (o + phentsize > ph.length) break;
      const pType = u32(ph, o);
      if (pType === 2) info.hasDynamic = true;
      if (pType === 3) {
        const off = bits === 64 ? u64(ph, o + 8) : u32(ph, o + 4);
        const size = bits === 64 ? u64(ph, o + 32) : u32(ph, o + 16);
        if (size > 0 && size < 4096) info.interpreter = readAt(fd, off, size).toString('latin1').replace(/\0+$/, '');
      }
    }
    return info;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** `#!/usr/bin/env python3 -u` → { interpreter: '/usr/bin/env', args: ['python3', '-u'] }. */
export function parseShebang(head: Uint8Array): { interpreter: string; args: string[] } | undefined {
  if (head.length < 3 || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const text = Buffer.from(head).toString('latin1');
  const end = text.indexOf('\n');
  const line = (end >= 0 ? text.slice(2, end) : text.slice(2)).trim();
  if (!line) return undefined;
  const [interpreter, ...args] = line.split(/[ \t]+/);
  return { interpreter: interpreter!, args };
}
