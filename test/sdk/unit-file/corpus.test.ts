// A corpus nobody here wrote: every unit file, drop-in and networkd file of this machine under
// /usr/lib/systemd and /etc/systemd must format back byte for byte, and the files systemd's
// packages ship must parse without problems.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUnitFile } from '../../../sdk/unit-file/format.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';

const UNIT_SUFFIX = /\.(service|socket|timer|path|mount|automount|target|slice|scope|swap|device|network|link|netdev)$/;

/** Regular files, and links to regular files, by path; directory links are followed once. */
function corpus(roots: string[]): string[] {
  const out: string[] = [];
  const seenDirs = new Set<string>();
  const walk = (dir: string): void => {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(dir);
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // a dangling link
      }
      if (st.isDirectory()) walk(p);
      // Links to /dev/null (masked units) are not files to parse.
      else if (st.isFile() && (UNIT_SUFFIX.test(n) || (n.endsWith('.conf') && basename(dirname(p)).endsWith('.d')))) out.push(p);
    }
  };
  for (const r of roots) walk(r);
  return out;
}

describe("this machine's unit files", () => {
  const files = corpus(['/usr/lib/systemd', '/etc/systemd']);

  it('all format back byte for byte and parse without problems', () => {
    expect(files.length).toBeGreaterThan(100);
    const changed: string[] = [];
    const problems: string[] = [];
    for (const p of files) {
      const text = readFileSync(p, 'utf8');
      const f = parseUnitFile(text, p);
      if (formatUnitFile(f) !== text) changed.push(p);
      for (const pr of f.problems) problems.push(`${p}:${pr.line}:${pr.column}: ${pr.message}`);
    }
    const real = new Set(files.map((p) => realpathSync(p))).size;
    console.log(
      `unit-file corpus: ${files.length} paths (${real} distinct files) under /usr/lib/systemd and /etc/systemd round-tripped byte for byte`,
    );
    expect(changed).toEqual([]);
    // No exceptions needed on this machine: every file here comes from a package (systemd,
    // udev, ...), and they all parse cleanly.
    expect(problems).toEqual([]);
  });
});
