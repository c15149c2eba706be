// `after` dependencies between services: unknown names and cycles.

/**
 * Services that sit on a cycle of `after` edges (including a service naming itself), found with
 * Tarjan's strongly connected components. Every member of a cycle is returned.
 * Iterative (an explicit stack instead of recursion), so a chain of any length the metadata can
 * hold is fine: a recursive walk overflows the call stack at a few thousand services.
 */
export function servicesInCycles(edges: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Map<string, string[]>();
  let counter = 0;

  const connect = (root: string): void => {
    // Each frame is a node and how many of its edges have been looked at.
    const frames: { v: string; next: number }[] = [];
    const enter = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      frames.push({ v, next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const { v } = frame;
      const out = edges.get(v) ?? [];
      if (frame.next < out.length) {
        const w = out[frame.next++]!;
        if (!edges.has(w)) continue;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      // All edges of v done: close its component if it is a root, then return to the caller.
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        const selfLoop = component.length === 1 && out.includes(v);
        if (component.length > 1 || selfLoop) {
          const members = [...component].sort();
          for (const m of members) result.set(m, members);
        }
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  return result;
}
