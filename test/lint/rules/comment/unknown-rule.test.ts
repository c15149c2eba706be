// comment/unknown-rule: a suppression comment naming no rule is reported where the id is written,
// with the closest rule in the hint, and the finding it meant to hide is still there.
import { describe, expect, it } from 'vitest';
import { lintUnitText } from '../../../../lint/engine.ts';
import { format } from '../../../../lint/formatters/index.ts';

const TEXT = [
  '[Service]',
  'ExecStart=/usr/bin/demo',
  'DynamicUser=yes',
  '# composable-lint-disable-next-line=unit/unknwn-directive, policy/runs-as-root',
  'ExecStrat=/usr/bin/demo',
  '',
].join('\n');

describe('comment/unknown-rule', () => {
  it('is a warning at the misspelt id, naming the closest rule, and suppresses nothing for it', () => {
    const r = lintUnitText('demo.service', TEXT);
    const found = r.diagnostics.filter((d) => d.ruleId === 'comment/unknown-rule');
    expect(found).toEqual([
      expect.objectContaining({
        file: 'demo.service',
        line: 4,
        column: 37,
        endColumn: 37 + 'unit/unknwn-directive'.length,
        severity: 'warning',
      }),
    ]);
    expect(found[0]!.message).toContain('"unit/unknwn-directive"');
    expect(found[0]!.hint).toContain('Did you mean "unit/unknown-directive"?');
    // The typo hides nothing: the unknown directive on the next line is still reported.
    expect(r.diagnostics.some((d) => d.ruleId === 'unit/unknown-directive' && d.line === 5)).toBe(true);
    expect(format(r, 'json', { color: false })).toContain('comment/unknown-rule');
  });

  it('names no rule in the hint when none is close, and is silent for ids that exist', () => {
    const far = lintUnitText('demo.service', TEXT.replace('unit/unknwn-directive', 'zzz/qqq'));
    const d = far.diagnostics.find((x) => x.ruleId === 'comment/unknown-rule');
    expect(d?.hint).not.toContain('Did you mean');
    expect(d?.hint).toContain('--list-rules');
    const ok = lintUnitText('demo.service', TEXT.replace('unit/unknwn-directive', 'unit/unknown-directive'));
    expect(ok.diagnostics.filter((x) => x.ruleId === 'comment/unknown-rule')).toEqual([]);
    expect(ok.diagnostics.filter((x) => x.ruleId === 'unit/unknown-directive')).toEqual([]);
  });

  it('can be turned off and made an error in the configuration like any rule', () => {
    const off = lintUnitText('demo.service', TEXT, { config: { rules: { 'comment/unknown-rule': 'off' } } });
    expect(off.diagnostics.filter((x) => x.ruleId === 'comment/unknown-rule')).toEqual([]);
    const error = lintUnitText('demo.service', TEXT, { config: { rules: { 'comment/unknown-rule': 'error' } } });
    expect(error.diagnostics.find((x) => x.ruleId === 'comment/unknown-rule')?.severity).toBe('error');
  });
});
