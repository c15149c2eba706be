// Which user a service runs as, decided as systemd decides it: the generated drop-in's User= (the
// host metadata's `user`, which also empties Group= and SupplementaryGroups=), else the unit's
// User=, Group=, SupplementaryGroups= and DynamicUser=. The accounts are read from /etc/passwd and
// /etc/group text passed in, so the decision is pure; readAccounts is the only I/O.
import { readFileSync } from 'node:fs';
import { getList, getValue } from '../unit-file/lookup.ts';
import { parseBoolean } from '../unit-file/values.ts';
import type { UnitFile } from '../unit-file/types.ts';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The machine's users and groups (passwd(5), group(5) lines). */
export interface Accounts {
  users: Account[];
  groups: GroupEntry[];
}

export function parseAccounts(passwd: string, group: string): Accounts {
  const rows = (text: string): string[][] =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.split(':'));
  return {
    users: rows(passwd)
      .filter((f) => f.length >= 7)
      .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! })),
    groups: rows(group)
      .filter((f) => f.length >= 3)
      .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) })),
  };
}

/** /etc/passwd and /etc/group of this machine (empty when unreadable). */
export function readAccounts(): Accounts {
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  return parseAccounts(read('/etc/passwd'), read('/etc/group'));
}

/** The identity a service's processes take, and the variables systemd sets for it. */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups: the user's own (initgroups(3)) and SupplementaryGroups=. */
  groups: number[];
  home: string;
  shell: string;
  /** Allocated for DynamicUser=yes. */
  dynamic: boolean;
}

export type UserDecision = { ok: true; user: ServiceUser | undefined } | { ok: false; message: string };

/** systemd's range for dynamic users (systemd.exec(5), DynamicUser=). */
const DYNAMIC_FIRST = 61184;
const DYNAMIC_LAST = 65519;

/** A dynamic uid for `name`: a hash into systemd's range, the next free one on collision. */
export function dynamicUid(name: string, taken: ReadonlySet<number>): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const size = DYNAMIC_LAST - DYNAMIC_FIRST + 1;
  for (let i = 0; i < size; i++) {
    const uid = DYNAMIC_FIRST + ((h + i) % size);
    if (!taken.has(uid)) return uid;
  }
  return DYNAMIC_FIRST;
}

function findGroup(accounts: Accounts, spec: string): GroupEntry | undefined {
  return /^\d+$/.test(spec)
    ? (accounts.groups.find((g) => g.gid === Number(spec)) ?? { name: spec, gid: Number(spec), members: [] })
    : accounts.groups.find((g) => g.name === spec);
}

/**
 * The user the unit's processes run as; `undefined` for root. `metadataUser` is the host metadata's
 * `user`: the generated drop-in sets it as User= and empties Group= and SupplementaryGroups=.
 * A user or group that does not exist fails as systemd fails (217/USER, 216/GROUP).
 */
export function decideServiceUser(
  file: UnitFile,
  unitName: string,
  accounts: Accounts,
  opts: { metadataUser?: string; dynamicUsers: boolean },
): UserDecision {
  const userSpec = opts.metadataUser ?? getValue(file, 'Service', 'User');
  const groupSpec = opts.metadataUser !== undefined ? undefined : getValue(file, 'Service', 'Group');
  const extraGroups = opts.metadataUser !== undefined ? [] : getList(file, 'Service', 'SupplementaryGroups');
  const dynamic = opts.dynamicUsers && (parseBoolean(getValue(file, 'Service', 'DynamicUser') ?? 'no') ?? false);
  let user: ServiceUser | undefined;
  const known = userSpec
    ? /^\d+$/.test(userSpec)
      ? accounts.users.find((u) => u.uid === Number(userSpec))
      : accounts.users.find((u) => u.name === userSpec)
    : undefined;
  if (dynamic && !known) {
    // A dynamic user is named by User=, else after the unit; an existing user of that name is used as is.
    const name = userSpec ?? unitName.replace(/\.[^.]+$/, '').replace(/@.*$/, '');
    const uid = dynamicUid(name, new Set([...accounts.users.map((u) => u.uid), ...accounts.groups.map((g) => g.gid)]));
    user = { name, uid, gid: uid, groups: [], home: '/', shell: '/usr/sbin/nologin', dynamic: true };
  } else if (userSpec) {
    if (known) user = { ...known, groups: [], dynamic: false };
    else if (/^\d+$/.test(userSpec)) {
      const uid = Number(userSpec);
      user = { name: userSpec, uid, gid: uid, groups: [], home: '/', shell: '/usr/sbin/nologin', dynamic: false };
    } else return { ok: false, message: `User=${userSpec}: no such user on this machine (systemd fails with 217/USER)` };
    user.groups = accounts.groups.filter((g) => g.members.includes(user!.name) && g.gid !== user!.gid).map((g) => g.gid);
  }
  if (groupSpec) {
    const g = findGroup(accounts, groupSpec);
    if (!g) return { ok: false, message: `Group=${groupSpec}: no such group on this machine (systemd fails with 216/GROUP)` };
    user ??= { name: 'root', uid: 0, gid: 0, groups: [], home: '/root', shell: '/bin/sh', dynamic: false };
    user.gid = g.gid;
  }
  for (const spec of extraGroups) {
    const g = findGroup(accounts, spec);
    if (!g) return { ok: false, message: `SupplementaryGroups=${spec}: no such group on this machine (systemd fails with 216/GROUP)` };
    user ??= { name: 'root', uid: 0, gid: 0, groups: [], home: '/root', shell: '/bin/sh', dynamic: false };
    if (!user.groups.includes(g.gid)) user.groups.push(g.gid);
  }
  return { ok: true, user };
}
