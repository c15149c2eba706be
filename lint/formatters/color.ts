// Whether human output is colored: the command line first (--color, --no-color), then FORCE_COLOR
// (as Node, chalk and supports-color read it: 0 or "false" never, 1, 2, 3, "true" or empty always;
// it outranks NO_COLOR, as in Node), then NO_COLOR (https://no-color.org: set and not empty means
// no color), then TERM=dumb, then whether the output is a terminal.

export interface ColorEnvironment {
  /** --color (true) or --no-color (false); undefined when neither was given. */
  flag?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** The output is a terminal (not a file, not a pipe). */
  isTTY: boolean;
}

export function useColor({ flag, env, isTTY }: ColorEnvironment): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    const value = force.trim().toLowerCase();
    if (value === '' || value === 'true' || value === '1' || value === '2' || value === '3') return true;
    if (value === '0' || value === 'false') return false;
    // Anything else says nothing: fall through, as supports-color does.
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
