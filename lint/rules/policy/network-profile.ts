// Profiles `nonetwork` and `strict` give services PrivateNetwork=yes: no network but loopback. A
// package declaring one of them while its units listen on or talk to the network will not work.
import type { UnitRule } from '../../types.ts';
import { entriesOf, packageProfile } from '../helpers.ts';

const NO_NETWORK_PROFILES = ['nonetwork', 'strict'];
const NETWORK_ONLINE = 'network-online.target';

/** A Listen*= value naming a network address rather than a path or abstract socket. */
export function isNetworkListen(value: string): boolean {
  return !(value.startsWith('/') || value.startsWith('@') || value.startsWith('%'));
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'policy/network-profile',
    severity: 'error',
    description: 'Units that use the network in a package whose profile denies it (nonetwork, strict)',
    messages: {
      listen: "{{key}}={{value}} listens on the network, but the package's profile {{profile}} gives it no network",
      setting: "{{key}}={{value}} asks for network access, but the package's profile {{profile}} gives it no network",
      depends: "{{key}}={{value}}: the unit waits for the network, but the package's profile {{profile}} gives it no network",
    },
    hint: 'Use COMPOSABLE_PROFILE=default for a networked service, or listen on a UNIX socket (ListenStream=/run/NAME.sock).',
  },
  check(ctx) {
    if (!ctx.pkg) return;
    const profile = packageProfile(ctx.pkg);
    if (!NO_NETWORK_PROFILES.includes(profile)) return;
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      const { key, value } = entry;
      const range = ctx.valueRange(entry);
      if (
        section === 'Socket' &&
        ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket'].includes(key) &&
        value !== '' &&
        isNetworkListen(value)
      ) {
        ctx.report({ messageId: 'listen', data: { key, value, profile }, range });
      } else if (section === 'Service' && key === 'PrivateNetwork' && /^(no|false|0|off|n|f)$/i.test(value)) {
        ctx.report({ messageId: 'setting', data: { key, value, profile }, range });
      } else if (section === 'Service' && key === 'IPAddressAllow' && value !== '' && !/^(localhost|127\.|::1)/.test(value)) {
        ctx.report({ messageId: 'setting', data: { key, value, profile }, range });
      } else if (section === 'Service' && key === 'RestrictAddressFamilies' && /\bAF_INET6?\b/.test(value) && !value.startsWith('~')) {
        ctx.report({ messageId: 'setting', data: { key, value, profile }, range });
      } else if (section === 'Unit' && ['Wants', 'Requires', 'After'].includes(key) && value.split(/\s+/).includes(NETWORK_ONLINE)) {
        ctx.report({ messageId: 'depends', data: { key, value, profile }, range });
      }
    }
  },
};
