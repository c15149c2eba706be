// composable test gives the outcome real systemd gives: for every example package, the result,
// exit status, the environment the program saw and the directories it got agree.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShow, REPO } from '../harness/nspawn.ts';
import { BOOT_TIMEOUT, useBoots } from './suite.ts';
import { startService } from '../../sdk/testing/index.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.nspawn, requirement.debootstrap], 'composable test agreement tests');

// Set by systemd per invocation or by DynamicUser=/the journal: they differ by nature.
const BY_NATURE = new Set([
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'SYSTEMD_EXEC_PID',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'NOTIFY_SOCKET',
  'MANAGERPID',
]);
const DIRECTORY_VARS = ['RUNTIME_DIRECTORY', 'STATE_DIRECTORY', 'CACHE_DIRECTORY', 'LOGS_DIRECTORY', 'CONFIGURATION_DIRECTORY'];

function parseEnviron(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** What should agree: names and values, except paths that differ by where things live. */
function comparable(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (BY_NATURE.has(k)) continue;
    if (k === 'COMPOSABLE_PACKAGE_DIR') out[k] = basename(v);
    else if (DIRECTORY_VARS.includes(k))
      out[k] = v
        .split(':')
        .map((p) => basename(p))
        .join(':');
    else if (k === 'PATH') out[k] = 'set';
    else out[k] = v;
  }
  return out;
}

const EXAMPLES = ['logship', 'health'] as const;

describe.skipIf(missing.length > 0)('composable test agrees with real systemd', () => {
  const boot = useBoots();

  it(
    'long-running examples: active, same environment, same directories',
    async () => {
      const metadata = JSON.parse(readFileSync(join(REPO, 'examples/metadata.json'), 'utf8')) as {
        services: { name: string; source: string; environment?: Record<string, string> }[];
      };
      // Port 0 on both sides: the host running the test may have 8081 taken.
      const health = metadata.services.find((s) => s.name === 'health')!;
      health.environment = { ...(health.environment ?? {}), HEALTH_PORT: '0' };
      const packages = metadata.services.map((s) => ({ dir: join(REPO, 'examples', s.name), storeName: s.source.split('/').pop()! }));
      const b = await boot({
        packages,
        metadata,
        probe: `for s in ${EXAMPLES.join(' ')}; do
  for i in $(seq 1 50); do [ "$(systemctl show -p ActiveState --value $s.service)" = active ] && break; sleep 0.1; done
  systemctl show -p ActiveState,Result,ExecMainStatus $s.service > /results/$s.show
  cat /proc/$(systemctl show -p MainPID --value $s.service)/environ > /results/$s.environ
done
for i in $(seq 1 50); do [ "$(systemctl show -p Result --value cleanup.service)" = success ] && [ "$(systemctl show -p ExecMainExitTimestampMonotonic --value cleanup.service)" != 0 ] && break; sleep 0.1; done
systemctl show -p ActiveState,Result,ExecMainStatus cleanup.service > /results/cleanup.show
`,
      });
      for (const name of EXAMPLES) {
        const real = parseShow(b.read(`${name}.show`));
        const env = metadata.services.find((s) => s.name === name)!.environment ?? {};
        const h = await startService(join(REPO, 'examples', name), { env });
        try {
          expect(h.state, `${name} under composable test`).toBe('active');
          // Past exec and start-up: what the program saw is settled once it says it runs.
          await h.waitForLog(/^(logship: following|health: listening)/);
          expect(real.ActiveState, `${name} in the container\n${b.console}`).toBe('active');
          const seen = parseEnviron(readFileSync(`/proc/${h.pid}/environ`, 'utf8'));
          expect(comparable(seen), name).toEqual(comparable(parseEnviron(b.read(`${name}.environ`))));
          await h.stop();
          expect(h.result).toBe('success');
        } finally {
          h.cleanup();
        }
      }
      // The timer's oneshot: same result and exit status.
      const real = parseShow(b.read('cleanup.show'));
      const env = metadata.services.find((s) => s.name === 'cleanup')!.environment ?? {};
      const h = await startService(join(REPO, 'examples/cleanup'), { env });
      try {
        expect([h.result, String(h.exitCode)]).toEqual([real.Result, real.ExecMainStatus]);
      } finally {
        h.cleanup();
      }
    },
    BOOT_TIMEOUT,
  );
});
