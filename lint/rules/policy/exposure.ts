// How exposed a service is, scored like `systemd-analyze security --offline` (0 = locked down,
// 10 = fully exposed), counting what the package's profile adds. Reported when the score reaches
// EXPOSED (7.0), or above "policy.maxExposure".
import type { UnitRule } from '../../types.ts';
import { exposure } from '../../util/exposure.ts';
import { effectiveService } from './settings.ts';

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'policy/exposure',
    severity: 'warning',
    description: 'Services whose exposure score (systemd-analyze security) is too high',
    messages: { exposed: 'Service {{unit}} has exposure {{score}} {{level}} {{how}}; the biggest gaps: {{gaps}}' },
    hint:
      'Add the missing settings to [Service] (NoNewPrivileges=yes, ProtectSystem=strict, PrivateTmp=yes, ' +
      'CapabilityBoundingSet= ...), or choose a stricter COMPOSABLE_PROFILE; `systemd-analyze security ' +
      '--offline=yes UNIT` lists every check.',
    docs: 'The score uses the check names and weights of systemd-analyze security; lint/util/exposure.ts documents how close it stays to systemd.',
  },
  check(ctx) {
    if (ctx.unit.type !== 'service') return;
    const { settings, profile } = effectiveService(ctx);
    const result = exposure(settings);
    const limit = ctx.policy.maxExposure;
    if (limit !== undefined ? result.score <= limit : result.score < 7) return;
    ctx.report({
      messageId: 'exposed',
      data: {
        unit: ctx.unit.name,
        score: result.score.toFixed(1),
        level: result.level,
        how: profile ? `with profile ${profile}` : 'as written',
        gaps: result.gaps
          .slice(0, 5)
          .map((g) => g.name)
          .join(', '),
      },
      range: ctx.unit.parsed.sections.find((s) => s.name === 'Service')?.header.range,
    });
  },
};
