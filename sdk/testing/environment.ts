// The environment and command lines a service gets, computed as systemd.exec(5) describes:
// Environment=, EnvironmentFile=, PassEnvironment=, UnsetEnvironment=, specifiers, and `$VAR` /
// `${VAR}` expansion in Exec*= lines.
import { readFileSync } from 'node:fs';
import { getEntries, getList } from '../unit-file/lookup.ts';
import { splitWords } from '../unit-file/words.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { parseUnitName } from '../unit-name.ts';

export interface Sandbox {
  /** Roots standing in for /run, /var/lib, /var/cache, /var/log, /etc. */
  runtime: string;
  state: string;
  cache: string;
  logs: string;
  config: string;
  home: string;
}

/** Expand systemd specifiers (systemd.unit(5), "Specifiers") for the unit in the sandbox. */
export function expandSpecifiers(text: string, unitName: string, sandbox: Sandbox): string {
  const parsed = parseUnitName(unitName);
  const stem = unitName.replace(/\.[^.]+$/, '');
  const values: Record<string, string> = {
    n: unitName,
    N: stem,
    p: parsed?.prefix ?? stem,
    i: parsed?.instance ?? '',
    I: parsed?.instance ?? '',
    j: (parsed?.prefix ?? stem).split('-').pop() ?? '',
    t: sandbox.runtime,
    S: sandbox.state,
    C: sandbox.cache,
    L: sandbox.logs,
    E: sandbox.config,
    h: sandbox.home,
    u: process.env.USER ?? 'root',
    '%': '%',
  };
  return text.replace(/%(.)/g, (m, c: string) => values[c] ?? m);
}

/** Parse an EnvironmentFile (KEY=VALUE lines, quotes, comments), as systemd reads it. */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[line.slice(0, eq).trim()] = value;
  }
  return out;
}

/** The service's environment: systemd's own variables, then the unit's settings in order. */
export function serviceEnvironment(
  file: UnitFile,
  unitName: string,
  sandbox: Sandbox,
  base: Record<string, string>,
  outer: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const key of getList(file, 'Service', 'PassEnvironment')) if (outer[key] !== undefined) env[key] = outer[key]!;
  for (const e of getEntries(file, 'Service', 'Environment')) {
    if (e.value === '') continue;
    for (const word of splitWords(expandSpecifiers(e.value, unitName, sandbox))) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  for (const e of getEntries(file, 'Service', 'EnvironmentFile')) {
    const optional = e.value.startsWith('-');
    const path = expandSpecifiers(optional ? e.value.slice(1) : e.value, unitName, sandbox);
    try {
      Object.assign(env, parseEnvironmentFile(readFileSync(path, 'utf8')));
    } catch (err) {
      if (!optional) throw new Error(`EnvironmentFile=${path} cannot be read: ${(err as Error).message}`);
    }
  }
  for (const key of getList(file, 'Service', 'UnsetEnvironment')) {
    if (key.includes('=')) {
      const [k, v] = [key.slice(0, key.indexOf('=')), key.slice(key.indexOf('=') + 1)];
      if (env[k] === v) delete env[k];
    } else delete env[key];
  }
  return env;
}

/**
 * `$VAR` as a whole word splits into words; `${VAR}` is replaced inside a word
 * (systemd.service(5), "Command lines"). Unset variables are empty.
 */
export function expandArgv(argv: readonly string[], env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const word of argv) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole) {
      out.push(...(env[whole[1]!] ?? '').split(/\s+/).filter(Boolean));
      continue;
    }
    out.push(word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k: string) => env[k] ?? ''));
  }
  return out;
}
