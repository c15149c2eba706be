// The content digest of a package: the same for a directory, a tar or a tar.gz of it, because it
// is computed over the tree (paths, types, modes, contents, link targets), not over an archive.
// Owners, groups and mtimes are left out: `composable pack` normalises them anyway.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeEntry {
  relPath: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits incl. setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  size: number;
  linkTarget?: string;
}

/** All entries below `root`, sorted by path (bytewise), without following symlinks. */
export function walkTree(root: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  const visit = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, relPath));
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      const entry: TreeEntry = { relPath, type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') entry.linkTarget = readlinkSync(join(root, relPath));
      out.push(entry);
      if (type === 'dir') visit(relPath);
    }
  };
  visit('');
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** Digest of a tree given its entries and a way to read a file's bytes. */
export function digestEntries(entries: readonly TreeEntry[], read: (relPath: string) => Uint8Array): string {
  const h = createHash('sha256');
  for (const e of entries) {
    let content = '';
    if (e.type === 'file') content = createHash('sha256').update(read(e.relPath)).digest('hex');
    else if (e.type === 'symlink') content = e.linkTarget ?? '';
    h.update(`${e.type} ${e.mode.toString(8).padStart(4, '0')} ${e.relPath}\0${content}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

/** `sha256:<hex>` content digest of the package directory `root`. */
export function packageDigest(root: string): string {
  return digestEntries(walkTree(root), (rel) => readFileSync(join(root, rel)));
}

/** `sha256:<hex>` of one file's bytes (the digest of an image source). */
export function fileDigest(path: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}
