// What a package's own units may not do, whatever its drop-ins say: lift the privileges its
// metadata and profile give it. Under every profile but `trusted`:
// - no Exec*= command with the prefixes `+` (full privileges: no User=, namespaces or capability
//   limits), `!` or `!!` (no user change);
// - no LoadCredential=/LoadCredentialEncrypted= of a file outside the package and its own
//   credentials directory: systemd reads the file as root and hands it over, so any path would
//   leak another service's secret or /etc/shadow;
// - in chroot mode, no BindPaths=/BindReadOnlyPaths= source, MountImages=, ExtensionImages=,
//   ExtensionDirectories= or RootImage= outside the package (besides what the chroot profile
//   binds itself): each would bring the container's files into the chroot.
// Every entry of the unit and of its drop-ins is checked, even one a later assignment resets.
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, type Mode, type Profile } from '../../sdk/contract.ts';
import { getEntries } from '../../sdk/unit-file/lookup.ts';
import type { EntryNode, UnitFile } from '../../sdk/unit-file/types.ts';
import { splitWords } from '../../sdk/unit-file/words.ts';
import { EXEC_DIRECTIVES } from '../../sdk/unit-file/exec-search.ts';
import { commandLineOf } from './exec-paths.ts';
import { CHROOT_DIRECTIVES } from './profiles.ts';

export interface PrivilegeContext {
  name: string;
  /** Stable path of the package (`/opt/composable/<name>`). */
  where: string;
  mode: Mode;
  profile: Profile;
}

export interface PrivilegeFinding {
  code: 'exec-privileged-prefix' | 'credential-outside-package' | 'chroot-path-outside';
  entry: EntryNode;
  message: string;
}

/** Sections whose exec settings apply to processes systemd starts for the unit. */
const EXEC_SECTIONS = ['Service', 'Socket'] as const;

/** Sources the chroot profile binds itself (CHROOT_DIRECTIVES), so a unit may name them too. */
export const CHROOT_GRANTED_PATHS: readonly string[] = CHROOT_DIRECTIVES.filter(([k]) => k === 'BindReadOnlyPaths')
  .flatMap(([, v]) => v.split(' '))
  .map((p) => p.replace(/^-/, ''));

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** A source path written in a unit: absolute, no specifiers, normalised; undefined when not checkable. */
function plainPath(raw: string): string | undefined {
  const p = raw.replace(/^-/, '');
  if (!p.startsWith('/') || p.includes('%')) return undefined;
  return posix.normalize(p);
}

export function privilegeFindings(file: UnitFile, ctx: PrivilegeContext): PrivilegeFinding[] {
  if (ctx.profile === 'trusted') return [];
  const out: PrivilegeFinding[] = [];
  for (const section of EXEC_SECTIONS) {
    for (const key of EXEC_DIRECTIVES[section] ?? []) {
      for (const entry of getEntries(file, section, key)) {
        const parsed = commandLineOf(entry);
        if (!parsed.ok) continue;
        for (const cmd of parsed.commands) {
          const prefix = cmd.rawPrefix.includes('+')
            ? '+'
            : cmd.rawPrefix.includes('!!')
              ? '!!'
              : cmd.rawPrefix.includes('!')
                ? '!'
                : undefined;
          if (prefix) {
            out.push({
              code: 'exec-privileged-prefix',
              entry,
              message:
                `${key}= runs ${cmd.path} with the prefix "${prefix}", ` +
                `which ${prefix === '+' ? 'lifts every sandbox and user setting' : 'skips the user change'}; only the trusted profile allows it`,
            });
          }
        }
      }
    }
    const ownCredentials = posix.join(CREDENTIALS_ROOT, ctx.name);
    for (const key of ['LoadCredential', 'LoadCredentialEncrypted']) {
      for (const entry of getEntries(file, section, key)) {
        if (entry.value === '') continue;
        const colon = entry.value.indexOf(':');
        const path = colon < 0 ? undefined : plainPath(entry.value.slice(colon + 1).trim());
        if (path === undefined || !(isWithin(path, ctx.where) || isWithin(path, ownCredentials))) {
          out.push({
            code: 'credential-outside-package',
            entry,
            message:
              `${key}=${entry.value} loads a credential from outside the package and ${ownCredentials}/; ` +
              `systemd reads it as root, so only those are allowed`,
          });
        }
      }
    }
    if (ctx.mode !== 'chroot') continue;
    const allowed = (p: string | undefined): boolean => p !== undefined && (isWithin(p, ctx.where) || CHROOT_GRANTED_PATHS.includes(p));
    for (const key of ['BindPaths', 'BindReadOnlyPaths', 'MountImages', 'ExtensionImages', 'ExtensionDirectories', 'RootImage']) {
      for (const entry of getEntries(file, section, key)) {
        if (entry.value === '') continue;
        // Each word is `[-]SOURCE[:DEST[:OPTIONS]]` (RootImage= is one path).
        const words = key === 'RootImage' ? [entry.value] : splitWords(entry.value);
        for (const word of words) {
          const source = word.split(':')[0]!;
          if (!allowed(plainPath(source))) {
            out.push({
              code: 'chroot-path-outside',
              entry,
              message: `${key}= brings ${source} into the chroot; in chroot mode a unit may only bind paths below ${ctx.where} (or ${CHROOT_GRANTED_PATHS.join(', ')})`,
            });
          }
        }
      }
    }
  }
  return out;
}
