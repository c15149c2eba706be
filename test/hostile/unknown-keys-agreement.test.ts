// Lint says what the generator will do about a key or section systemd does not know: outside
// [Install] it refuses the package (fail closed, issue 26), so the linter's message says so, and
// in [Install] (read by enablement only) it does not. Held together here so that neither side can
// change alone.
import { describe, expect, it } from 'vitest';
import { lintUnitText } from '../../lint/engine.ts';
import { codesOf, runBesideGood, runHostile, type HostilePackage } from './units-harness.ts';

const SKIPS = 'the generator skips the package under every profile but trusted';

const cases: { name: string; unit: string; refused: boolean }[] = [
  {
    name: 'a typo in [Service]',
    unit: '[Service]\nExecStart=/usr/bin/pkg\nProtectSytem=strict\n[Install]\nWantedBy=multi-user.target\n',
    refused: true,
  },
  {
    name: 'a key of another section',
    unit: '[Unit]\nExecStart=/usr/bin/x\n[Service]\nExecStart=/usr/bin/pkg\n[Install]\nWantedBy=multi-user.target\n',
    refused: true,
  },
  {
    name: 'a section of another unit type',
    unit: '[Service]\nExecStart=/usr/bin/pkg\n[Socket]\nListenStream=80\n[Install]\nWantedBy=multi-user.target\n',
    refused: true,
  },
  {
    name: 'a typo in [Install]',
    unit: '[Service]\nExecStart=/usr/bin/pkg\n[Install]\nWantedBy=multi-user.target\nWantedBi=default.target\n',
    refused: false,
  },
];

describe('lint and the generator agree on keys systemd does not know', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.refused ? 'lint says the package is skipped, and it is' : 'lint does not claim a refusal, and the package is enabled'}`, () => {
      const messages = lintUnitText('pkg.service', c.unit)
        .diagnostics.filter((d) => d.ruleId === 'unit/unknown-directive' || d.ruleId === 'unit/unknown-section')
        .map((d) => d.message);
      expect(messages.length).toBeGreaterThan(0);
      const pkg: HostilePackage = { name: 'pkg', units: { 'pkg.service': c.unit } };
      if (c.refused) {
        for (const m of messages) expect(m).toContain(SKIPS);
        const { run } = runBesideGood(pkg);
        expect(run.service('good').state).toBe('enabled');
        expect(run.service('pkg').state).toBe('skipped');
        expect(codesOf(run.service('pkg'))).toContain('directive-unknown');
      } else {
        for (const m of messages) expect(m).not.toContain(SKIPS);
        expect(runHostile({ packages: [pkg] }).service('pkg').state).toBe('enabled');
      }
    });
  }
});
