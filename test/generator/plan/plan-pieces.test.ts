import { describe, expect, it } from 'vitest';
import { servicesInCycles } from '../../../generator/plan/after-graph.ts';
import { environmentAssignment, escapeSpecifiers, quoteWord } from '../../../generator/plan/escape.ts';
import { orderingAfter, planTargets } from '../../../generator/plan/targets.ts';
import { packageExecutable } from '../../../sdk/unit-file/exec-search.ts';
import { resolveTarget, stablePath, hostPath } from '../../../sdk/contract.ts';

describe('servicesInCycles', () => {
  it('finds every member of each cycle and nothing else', () => {
    const edges = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
      ['f', ['g']],
      ['g', []],
      ['h', ['unknown']],
    ]);
    const r = servicesInCycles(edges);
    expect([...r.keys()].sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(r.get('b')).toEqual(['a', 'b', 'c']);
    expect(r.get('e')).toEqual(['e']);
  });
});

describe('escaping for unit files', () => {
  it('doubles % so specifiers are not expanded', () => {
    expect(escapeSpecifiers('100%n')).toBe('100%%n');
  });
  it('quotes words with C escapes for control characters, quotes and backslashes', () => {
    expect(quoteWord('a b')).toBe('"a b"');
    expect(quoteWord('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWord('a\\b')).toBe('"a\\\\b"');
    expect(quoteWord('l1\nl2\t\x01')).toBe('"l1\\nl2\\t\\x01"');
    expect(quoteWord('grüße ✓')).toBe('"grüße ✓"');
    expect(environmentAssignment('P', '50%')).toBe('"P=50%%"');
  });
});

describe('ordering targets', () => {
  it('chains early -> default -> late and wants each from multi-user.target', () => {
    const files = planTargets();
    expect(files.map((f) => f.path).sort()).toEqual([
      'composable-early.target',
      'composable-late.target',
      'composable.target',
      'multi-user.target.wants/composable-early.target',
      'multi-user.target.wants/composable-late.target',
      'multi-user.target.wants/composable.target',
    ]);
    const late = files.find((f) => f.path === 'composable-late.target');
    expect(late?.kind === 'file' && late.content).toContain('After=composable.target\n');
    expect(orderingAfter('composable-early.target')).toBeUndefined();
    expect(orderingAfter('composable.target')).toBe('composable-early.target');
    expect(orderingAfter('composable-late.target')).toBe('composable.target');
    expect(orderingAfter('multi-user.target')).toBeUndefined();
  });
  it('resolves aliases and keeps unit names', () => {
    expect(resolveTarget('early')).toBe('composable-early.target');
    expect(resolveTarget(undefined)).toBe('composable.target');
    expect(resolveTarget('late')).toBe('composable-late.target');
    expect(resolveTarget('foo.target')).toBe('foo.target');
  });
});

describe('contract paths', () => {
  it('puts packages at a stable path and maps container paths under COMPOSABLE_ROOT', () => {
    expect(stablePath('logship')).toBe('/opt/composable/logship');
    expect(hostPath('/run/composable/metadata.json', '/tmp/r')).toBe('/tmp/r/run/composable/metadata.json');
    expect(hostPath('/run/composable/metadata.json', '/')).toBe('/run/composable/metadata.json');
  });
});

describe('packageExecutable', () => {
  const files = new Set(['usr/bin/logship', 'usr/sbin/helper']);
  const has = (p: string): boolean => files.has(p);
  it('finds absolute paths inside the package', () => {
    expect(packageExecutable('/usr/bin/logship', has)).toBe('usr/bin/logship');
    expect(packageExecutable('/usr/bin/../bin/logship', has)).toBe('usr/bin/logship');
    expect(packageExecutable('/bin/kill', has)).toBeUndefined();
  });
  it("searches systemd's fixed path for bare names", () => {
    expect(packageExecutable('helper', has)).toBe('usr/sbin/helper');
    expect(packageExecutable('kill', has)).toBeUndefined();
  });
  it('leaves paths with specifiers or variables to systemd', () => {
    expect(packageExecutable('%h/usr/bin/logship', has)).toBeUndefined();
    expect(packageExecutable('${DIR}/logship', has)).toBeUndefined();
  });
});
