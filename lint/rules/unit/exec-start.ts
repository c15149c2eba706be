// The ExecStart= rules systemd enforces when it loads a service (systemd.service(5)): exactly one
// ExecStart= unless Type=oneshot; a oneshot service needs something to do. A unit breaking them
// "has a bad unit file setting" and cannot be started at all.
import type { UnitRule } from '../../types.ts';
import { effectiveList, effectiveValue, parseBool } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'unit/exec-start',
    severity: 'error',
    description: 'Services without ExecStart=, or with several where only Type=oneshot allows that',
    messages: {
      missing: 'Service has no ExecStart=, which only Type=oneshot services may omit; systemd refuses to start it',
      nothing: 'Service has no ExecStart=, ExecStop= or SuccessAction=; systemd refuses to start it',
      noRemain: 'Service has no ExecStart= and no SuccessAction= and does not set RemainAfterExit=yes; systemd refuses to start it',
      multiple: 'Service has {{count}} ExecStart= commands, which only Type=oneshot services may have; systemd refuses to start it',
    },
    hint: {
      missing: 'Add ExecStart=/usr/bin/PROGRAM, or set Type=oneshot for a service that only runs ExecStop=.',
      nothing: 'Add ExecStart=/usr/bin/PROGRAM.',
      noRemain: 'Add ExecStart=, or RemainAfterExit=yes if the service only does work when it stops.',
      multiple: 'Keep one ExecStart= (put setup steps in ExecStartPre=), or set Type=oneshot.',
    },
  },
  check(ctx) {
    if (ctx.unit.type !== 'service') return;
    const starts = effectiveList(ctx, 'Service', 'ExecStart');
    const typeEntry = effectiveValue(ctx, 'Service', 'Type');
    // systemd defaults Type= to oneshot when neither Type= nor ExecStart= is set.
    const type = typeEntry?.entry.value || (starts.length === 0 ? 'oneshot' : 'simple');
    const header = ctx.unit.parsed.sections.find((s) => s.name === 'Service')?.header.range;
    if (type !== 'oneshot') {
      if (starts.length === 0)
        ctx.report({ messageId: 'missing', range: typeEntry && typeEntry.unit === ctx.unit ? ctx.keyRange(typeEntry.entry) : header });
      else if (starts.length > 1) {
        const second = starts[1]!;
        ctx.report({
          messageId: 'multiple',
          data: { count: starts.length },
          range: second.unit === ctx.unit ? ctx.keyRange(second.entry) : header,
          file: second.unit.file,
        });
      }
      return;
    }
    if (starts.length > 0) return;
    const stops = effectiveList(ctx, 'Service', 'ExecStop');
    const success = effectiveValue(ctx, 'Unit', 'SuccessAction');
    const hasSuccess = success !== undefined && success.entry.value !== '' && success.entry.value !== 'none';
    if (stops.length === 0 && !hasSuccess) {
      ctx.report({ messageId: 'nothing', range: header });
      return;
    }
    const remain = effectiveValue(ctx, 'Service', 'RemainAfterExit');
    if (!hasSuccess && parseBool(remain?.entry.value ?? '') !== true) ctx.report({ messageId: 'noRemain', range: header });
  },
};
