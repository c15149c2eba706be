// Programs every systemd container image has, so a host-mode package may run them from the
// container without shipping them: the shell and the core utilities of every distribution's base
// (Debian's Essential set, Fedora's and Arch's base), util-linux's basics, and the tools systemd
// itself installs. A name here is found in /usr/bin, /bin, /usr/sbin or /sbin (the usual places,
// merged /usr or not); an absolute path is that path only. Sites add what their images have with
// "policy.basePrograms" in composable-lint.json.
export const BASE_PROGRAM_DIRS: readonly string[] = ['/usr/bin/', '/bin/', '/usr/sbin/', '/sbin/'];

export const BASE_PROGRAMS: readonly string[] = [
  // The shell
  'sh',
  'bash',
  // coreutils
  'basename',
  'cat',
  'chgrp',
  'chmod',
  'chown',
  'cp',
  'cut',
  'date',
  'dd',
  'df',
  'dirname',
  'du',
  'echo',
  'env',
  'expr',
  'false',
  'head',
  'id',
  'install',
  'ln',
  'ls',
  'mkdir',
  'mkfifo',
  'mktemp',
  'mv',
  'nice',
  'nohup',
  'printf',
  'pwd',
  'readlink',
  'realpath',
  'rm',
  'rmdir',
  'sleep',
  'sort',
  'stat',
  'stdbuf',
  'sync',
  'tail',
  'tee',
  'test',
  'timeout',
  'touch',
  'tr',
  'true',
  'uname',
  'uniq',
  'wc',
  // findutils, grep, sed, tar, gzip
  'find',
  'xargs',
  'grep',
  'sed',
  'tar',
  'gzip',
  // util-linux and procps basics
  'kill',
  'mount',
  'umount',
  'flock',
  'setpriv',
  'hostname',
  // systemd
  'systemctl',
  'systemd-notify',
  'systemd-tmpfiles',
  'systemd-cat',
  'systemd-run',
  'systemd-escape',
  'systemd-creds',
  'systemd-socket-activate',
  'journalctl',
  'busctl',
];

/** Whether `path` (as written in an Exec*= line: absolute, or a bare name) is a documented base
 *  program, or one of `extra` (names or absolute paths, "policy.basePrograms"). */
export function isBaseProgram(path: string, extra: readonly string[] = []): boolean {
  if (extra.includes(path)) return true;
  const name = path.includes('/') ? path.slice(path.lastIndexOf('/') + 1) : path;
  if (path.includes('/') && !BASE_PROGRAM_DIRS.some((d) => path === `${d}${name}`)) return false;
  return BASE_PROGRAMS.includes(name) || extra.includes(name);
}
