// composable-services/testing names signals with its own type so that its declarations need no
// @types/node; it must stay the set node's types know (tsc checks this file: `npm run typecheck`).
import { constants } from 'node:os';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Signal } from '../../../sdk/testing/signals.ts';

describe('Signal', () => {
  it('is NodeJS.Signals, without @types/node', () => {
    expectTypeOf<Signal>().toEqualTypeOf<NodeJS.Signals>();
    // Every signal this node knows is one (os.constants.signals is typed by name).
    const names: Signal[] = Object.keys(constants.signals) as (keyof typeof constants.signals)[];
    expect(names.length).toBeGreaterThan(20);
  });
});
