// `after` dependencies between services: unknown names and cycles.

/**
 * Services that sit on a cycle of `after` edges (including a service naming itself), found with
 * Tarjan's strongly connected components. Every member of a cycle is returned.
 */
export function servicesInCycles(edges: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Map<string, string[]>();
  let counter = 0;

  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = component.length === 1 && (edges.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) {
        const members = [...component].sort();
        for (const m of members) result.set(m, members);
      }
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  return result;
}
