// When stylish output is colored: flags, FORCE_COLOR, NO_COLOR, TERM=dumb and the terminal, in that order.
import { describe, expect, it } from 'vitest';
import { useColor } from '../../../lint/formatters/color.ts';

describe('useColor', () => {
  const tty = (env: Record<string, string>, flag?: boolean) => useColor({ env, isTTY: true, flag });
  const pipe = (env: Record<string, string>, flag?: boolean) => useColor({ env, isTTY: false, flag });

  it('colors a terminal and not a pipe when nothing is set', () => {
    expect(tty({})).toBe(true);
    expect(pipe({})).toBe(false);
  });

  it('honours NO_COLOR when it is set and not empty (no-color.org)', () => {
    expect(tty({ NO_COLOR: '1' })).toBe(false);
    expect(tty({ NO_COLOR: 'yes please' })).toBe(false);
    expect(tty({ NO_COLOR: '' })).toBe(true);
    expect(tty({ TERM: 'dumb' })).toBe(false);
  });

  it('honours FORCE_COLOR 0/false (never) and 1/2/3/true/empty (always), over NO_COLOR and a pipe', () => {
    for (const v of ['1', '2', '3', 'true', '']) {
      expect(pipe({ FORCE_COLOR: v }), v).toBe(true);
      expect(pipe({ FORCE_COLOR: v, NO_COLOR: '1' }), v).toBe(true);
    }
    for (const v of ['0', 'false']) expect(tty({ FORCE_COLOR: v }), v).toBe(false);
    // A value that means nothing leaves the decision to the rest.
    expect(tty({ FORCE_COLOR: 'sometimes' })).toBe(true);
    expect(pipe({ FORCE_COLOR: 'sometimes' })).toBe(false);
  });

  it('lets --color and --no-color decide over any variable', () => {
    expect(pipe({ NO_COLOR: '1', FORCE_COLOR: '0' }, true)).toBe(true);
    expect(tty({ FORCE_COLOR: '3' }, false)).toBe(false);
  });
});
