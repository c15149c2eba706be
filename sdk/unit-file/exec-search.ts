// Where systemd looks for the program of an Exec*= line (systemd.service(5), "Command lines"),
// and which file of a package that is. The generator's Exec rewriting (generator/plan/exec-paths.ts)
// and composable-services/testing (sdk/testing/) both ask this, so a test runs the program the container runs.
import { posix } from 'node:path';

export const EXEC_DIRECTIVES: Record<string, readonly string[]> = {
  Service: ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'],
  Socket: ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'],
};

/** Directories systemd searches for an executable given without a path (systemd.service(5)). */
export const EXEC_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The package-relative path an Exec executable refers to, if the package has that file.
 * Paths with specifiers or variables are left alone: they are resolved by systemd at run time.
 */
export function packageExecutable(executable: string, hasFile: (relPath: string) => boolean): string | undefined {
  if (/[%$]/.test(executable)) return undefined;
  const candidates = executable.startsWith('/')
    ? [posix.normalize(executable)]
    : executable.includes('/')
      ? []
      : EXEC_SEARCH_PATH.map((d) => `${d}/${executable}`);
  for (const abs of candidates) {
    const rel = abs.slice(1);
    if (rel && !rel.startsWith('..') && hasFile(rel)) return rel;
  }
  return undefined;
}
