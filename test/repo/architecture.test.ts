// docs/architecture.md, "Rooms", against the tree: a reader who opens a folder it names finds it,
// and no source folder is left out of the map.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const doc = readFileSync(join(REPO, 'docs/architecture.md'), 'utf8');
const rooms = doc.slice(doc.indexOf('## Rooms'), doc.indexOf('## Code conventions'));
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);

/** The folders the first table names in its first column (`sdk/`, `sdk/fs/`, ...). */
function namedFolders(): string[] {
  return [...rooms.matchAll(/^\| `([a-z-]+(?:\/[a-z-]+)*)\/` \|/gm)].map((m) => m[1]!);
}

describe('docs/architecture.md, Rooms', () => {
  it('names every top-level folder and every folder of the rooms that hold code', () => {
    const named = new Set(namedFolders());
    const topLevel = new Set(tracked.filter((f) => f.includes('/') && !f.startsWith('.')).map((f) => f.split('/')[0]!));
    const roomFolders = new Set(
      tracked.filter((f) => /^(sdk|generator|host)\/[^/]+\/.*\.ts$/.test(f)).map((f) => f.split('/').slice(0, 2).join('/')),
    );
    const missing = [...topLevel, ...roomFolders].filter((f) => !named.has(f));
    expect(missing, 'add these folders to the Rooms table').toEqual([]);
  });

  it('names no folder and no module that does not exist', () => {
    const absent = namedFolders().filter((f) => !existsSync(join(REPO, f)));
    const modules = [...rooms.matchAll(/`((?:sdk|generator|host|lint|cli|test)\/[\w./-]+\.ts)`/g)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(5);
    absent.push(...modules.filter((m) => !existsSync(join(REPO, m))));
    expect(absent).toEqual([]);
  });
});

describe('source file headers', () => {
  it('name only files and folders that exist', () => {
    // A repository path in a comment or a doc (`sdk/fs/safe-read.ts`) that no longer exists is a
    // header that describes code that moved.
    const path = /(?<![\w/.-])((?:sdk|generator|host|lint|cli|test|bench|scripts|docs|templates|examples)\/[\w./@-]*\w)/g;
    const stale: string[] = [];
    for (const file of tracked) {
      if (!/\.(ts|mjs|cjs|md)$/.test(file) || file.startsWith('test/golden/cases/')) continue;
      const isCode = !file.endsWith('.md');
      readFileSync(join(REPO, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.includes('biome-ignore')) return;
          // In code only comments describe files; a string may name a fixture made up by a test.
          if (isCode && !/^\s*(\/\/|\/?\*)/.test(line)) return;
          for (const m of line.matchAll(path)) {
            const p = m[1]!;
            if (/[-*]/.test(line[m.index! + p.length] ?? '')) continue; // a glob (units-*.test.ts)
            // Placeholders (templates/T, test/NAME.test.ts) and command names (bench/lint) are not paths.
            if (/[A-Z]{1,4}(\.|$)/.test(p.split('/').pop()!) || !/[./]/.test(p.slice(p.indexOf('/') + 1))) continue;
            if (!existsSync(join(REPO, p))) stale.push(`${file}:${i + 1}: ${p}`);
          }
        });
    }
    expect(stale).toEqual([]);
  });
});
