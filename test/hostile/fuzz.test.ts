// Random damage to packages and metadata under a fixed seed: whatever happens, the generator
// never throws, always writes a valid status.json listing every service of readable metadata,
// writes nothing outside its output directory and never echoes the planted secret (the harness's
// `generate` checks the last three on every run).
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate, goodPackage, link, mkfifo, sandbox, SECRET_PATH, STORE, type Sandbox } from './harness.ts';
import { hasCommand } from '../helpers/requirements.ts';

/** mulberry32: a tiny seeded PRNG, so a failing round can be replayed from its seed. */
function prng(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

const SEED = 0x5eed16;
const ROUNDS = 300;
const NAMES = ['alpha', 'beta', 'gamma'] as const;
const canFifo = hasCommand('mkfifo');

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.dispose();
  sb = undefined;
});

type Rng = ReturnType<typeof prng>;

function randomText(r: Rng): string {
  const alphabet = [
    '[Service]',
    '[Unit]',
    '[Install]',
    '\n',
    '=',
    'ExecStart=',
    '/usr/bin/x',
    '"',
    "'",
    '\\',
    ' ',
    '#',
    ';',
    'ID=',
    'NAME=',
    'VERSION_ID=',
    '1.0',
    '\r',
    '\t',
    '\0',
    'é',
    '$',
    '%',
    'WantedBy=multi-user.target',
    '+',
    '!',
    '@',
    'x'.repeat(300),
  ];
  let s = '';
  for (let i = r.int(40); i > 0; i--) s += r.pick(alphabet);
  return s;
}

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 1 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.int(1e6) - 5;
    case 2:
      return r.chance(0.5);
    case 3:
      return randomText(r).slice(0, 50);
    case 4:
      return `/${STORE}/${r.pick(NAMES)}`;
    case 5:
      return r.pick([...NAMES, '-x', '', 'a'.repeat(200), 'beta\nx', 'gamma/..']);
    case 6:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(3) }, () => [
          r.pick(['name', 'source', 'units', 'after', 'user', 'profile', 'x']),
          randomValue(r, depth + 1),
        ]),
      );
  }
}

/** Whether `p` exists and, with every symbolic link followed, is `dir` or below it. */
function insidePackage(dir: string, p: string): boolean {
  try {
    const root = realpathSync(dir);
    const real = realpathSync(p);
    return real === root || real.startsWith(`${root}/`);
  } catch {
    return false;
  }
}

function mutatePackage(s: Sandbox, r: Rng): void {
  const dir = join(s.root, STORE, r.pick(NAMES));
  const paths = [
    'usr/lib/os-release',
    `usr/lib/systemd/system/${r.pick(NAMES)}.service`,
    'usr/lib/systemd/system',
    'usr/lib/systemd/system/x.service.d/10-a.conf',
    'usr/bin',
    'usr/lib',
    'usr',
    'usr/lib/systemd/system/extra.timer',
  ];
  const rel = r.pick(paths);
  const p = join(dir, rel);
  if (!existsSync(dir)) return;
  switch (r.int(canFifo ? 8 : 7)) {
    case 0:
      link(
        dir,
        rel,
        r.pick([
          '/dev/zero',
          '/etc/passwd',
          s.host(SECRET_PATH),
          SECRET_PATH,
          '..',
          '../..',
          '../../../../../../..',
          rel.split('/').pop()!,
          '.',
          'os-release',
          '../lib/systemd',
        ]),
      );
      break;
    case 1:
      rmSync(p, { recursive: true, force: true });
      mkdirSync(p, { recursive: true });
      break;
    case 2:
      rmSync(p, { recursive: true, force: true });
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, randomText(r));
      break;
    case 3:
      rmSync(p, { recursive: true, force: true });
      break;
    case 4:
      // Only inside the package: chmod follows the symbolic links the fuzz made (`../../..`), out to
      // the host's /tmp or / (seen: the host's /tmp left mode 000).
      if (insidePackage(dir, p)) chmodSync(p, r.pick([0, 0o111, 0o4755]));
      break;
    case 5:
      // Append only to a regular file: opening a FIFO the fuzz made earlier would block the test.
      if (lstatSync(p, { throwIfNoEntry: false })?.isFile()) writeFileSync(p, `${randomText(r)}\n`, { flag: 'a' });
      break;
    case 6:
      rmSync(p, { recursive: true, force: true });
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, Buffer.alloc(r.int(3) * 700_000, 0x41));
      break;
    default:
      mkfifo(p);
  }
}

function mutateMetadata(doc: { schemaVersion: unknown; services: unknown[]; [k: string]: unknown }, r: Rng): void {
  const svc = doc.services[r.int(doc.services.length)] as Record<string, unknown> | undefined;
  switch (r.int(8)) {
    case 0:
      if (svc && typeof svc === 'object')
        svc[
          r.pick([
            'name',
            'source',
            'units',
            'after',
            'user',
            'profile',
            'mode',
            'target',
            'environment',
            'credentials',
            'digest',
            'version',
            'bogus',
          ])
        ] = randomValue(r);
      break;
    case 1:
      if (svc && typeof svc === 'object') delete svc[r.pick(['name', 'source'])];
      break;
    case 2:
      doc.services.push(structuredClone(doc.services[0]));
      break;
    case 3:
      doc.services[r.int(doc.services.length)] = randomValue(r);
      break;
    case 4:
      doc[r.pick(['bogus', 'container', 'schemaVersion'])] = randomValue(r);
      break;
    case 5:
      if (svc && typeof svc === 'object') svc.after = [r.pick(NAMES), r.pick(NAMES)];
      break;
    case 6:
      if (svc && typeof svc === 'object') svc.digest = `sha256:${'0'.repeat(64)}`;
      break;
    default:
      if (svc && typeof svc === 'object') svc.units = [`${r.pick(NAMES)}.service`, r.pick(['x@.service', 'nope.timer', '../x.service'])];
  }
}

describe('hostile: fuzz (fixed seed)', () => {
  it(`${ROUNDS} rounds of random damage: no throw, a valid status every time, nothing outside`, () => {
    const r = prng(SEED);
    const outcomes = { enabled: 0, skipped: 0, invalid: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      sb = sandbox();
      for (const n of NAMES) goodPackage(sb, n);
      const doc = { schemaVersion: 1 as unknown, services: NAMES.map((n) => ({ name: n, source: `/${STORE}/${n}` })) as unknown[] };
      for (let k = r.int(4); k >= 0; k--) {
        try {
          mutatePackage(sb, r);
        } catch {
          /* a mutation that cannot apply (its path goes through a file now): skip it */
        }
      }
      for (let k = r.int(3); k > 0; k--) mutateMetadata(doc, r);
      let text = JSON.stringify(doc);
      if (r.chance(0.1)) {
        const at = r.int(text.length);
        text = text.slice(0, at) + r.pick(['', '}', '"', '\\', ',', '\0']) + text.slice(at + r.int(3));
      }
      mkdirSync(sb.host('/run/composable'), { recursive: true });
      writeFileSync(sb.host('/run/composable/metadata.json'), text);
      let result;
      try {
        result = generate(sb, { maxMs: 5000 });
      } catch (e) {
        throw new Error(`round ${round} (seed ${SEED}): ${(e as Error).message}\nmetadata: ${text.slice(0, 500)}`);
      }
      const { status } = result;
      if (status.metadata.state === 'ok') {
        expect(status.services.length, `round ${round}`).toBe((JSON.parse(text) as { services: unknown[] }).services.length);
        for (const s of status.services) {
          outcomes[s.state]++;
          if (s.state === 'enabled') for (const u of s.units ?? []) expect(existsSync(join(sb.out, u)), `round ${round}: ${u}`).toBe(true);
          else expect(s.reasons?.length, `round ${round}: ${s.name} has reasons`).toBeGreaterThan(0);
        }
      } else outcomes.invalid++;
      expect(readFileSync(sb.host('/run/composable/status.json'), 'utf8').length).toBeGreaterThan(0);
      sb.dispose();
      sb = undefined;
    }
    // The seed must exercise all outcomes, or the fuzz proves little.
    expect(outcomes.enabled).toBeGreaterThan(0);
    expect(outcomes.skipped).toBeGreaterThan(0);
    expect(outcomes.invalid).toBeGreaterThan(0);
  }, 240_000);
});
