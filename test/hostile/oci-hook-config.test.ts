// The OCI hook's config and store as an attacker on the host would leave them: writable by
// others (the file, a directory above it, a symlink hop on the way), owned by someone else, or
// malformed with a secret in it. The hook refuses them in one log line naming the path, its mode
// and owner, and the container still starts (exit 0); a syntax error names line and column and
// quotes nothing of the file.
import { chmodSync, chownSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookSandbox, runHook, type HookSandbox } from './oci-hook-harness.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

let sb: HookSandbox;
afterEach(() => sb?.dispose());

const ASKING = JSON.stringify({ ociVersion: '1.0.2', annotations: { 'io.composable.services': 'logship' } });

/** precreate with a config that must be refused: exit 0, the config passed through, one line why. */
function refused(configPath: string, pattern: RegExp): string {
  const r = runHook(['precreate', '--config', configPath], ASKING);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(ASKING);
  const lines = r.log.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toContain('the container starts without composable');
  return lines[0]!;
}

describe('hostile: the OCI hook config and store', () => {
  it('a config writable by its group or others is refused, naming it and its mode', () => {
    sb = hookSandbox();
    for (const [mode, who] of [
      [0o666, 'its group and others'],
      [0o620, 'its group'],
      [0o602, 'others'],
    ] as const) {
      chmodSync(sb.configPath, mode);
      refused(sb.configPath, new RegExp(`${sb.configPath} is writable by ${who} \\(mode 0${mode.toString(8)}, owner uid \\d+\\)`));
    }
    chmodSync(sb.configPath, 0o644);
    expect(runHook(['precreate', '--config', sb.configPath], ASKING).log).not.toContain('not trusted');
  });

  it('a writable directory above the config, or above a symlink hop on the way to it, is refused', () => {
    sb = hookSandbox();
    chmodSync(sb.dir, 0o777);
    refused(sb.configPath, new RegExp(`not trusted: ${sb.dir} is writable by its group and others \\(mode 0777`));
    chmodSync(sb.dir, 0o700);
    // /etc/composable/hook.json -> a file in a directory anyone can write to.
    const open = join(sb.dir, 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o757);
    renameSync(sb.configPath, join(open, 'hook.json'));
    const linkDir = join(sb.dir, 'etc');
    mkdirSync(linkDir);
    symlinkSync(join(open, 'hook.json'), join(linkDir, 'hook.json'));
    refused(join(linkDir, 'hook.json'), new RegExp(`not trusted: ${open} is writable by others \\(mode 0757`));
  });

  it('a store (or run root) writable by others, or through a writable directory, is refused', () => {
    sb = hookSandbox();
    chmodSync(sb.store, 0o777);
    refused(sb.configPath, new RegExp(`${sb.configPath}: ${sb.store}: the hook's store is not trusted: ${sb.store} is writable`));
    chmodSync(sb.store, 0o755);
    // The store given as a link whose target is in a writable directory.
    const open = join(sb.dir, 'data');
    mkdirSync(open);
    chmodSync(open, 0o775);
    renameSync(sb.store, join(open, 'store'));
    symlinkSync(join(open, 'store'), sb.store);
    refused(sb.configPath, new RegExp(`store is not trusted: ${open} is writable by its group`));
    mkdirSync(sb.runRoot, { mode: 0o777 });
    chmodSync(sb.runRoot, 0o777);
    chmodSync(open, 0o755);
    refused(sb.configPath, new RegExp(`run root is not trusted: ${sb.runRoot} is writable`));
  });

  const missing = missingRequirements([requirement.root], 'owner checks of the hook config');
  it.skipIf(missing.length > 0)('a config, a store or a directory above them owned by another user is refused (root)', () => {
    sb = hookSandbox();
    chownSync(sb.configPath, 65534, 65534);
    refused(sb.configPath, new RegExp(`${sb.configPath} is not owned by root \\(mode 0600, owner uid 65534\\)`));
    chownSync(sb.configPath, 0, 0);
    chownSync(sb.store, 65534, 0);
    refused(sb.configPath, new RegExp(`${sb.store} is not owned by root \\(mode 0755, owner uid 65534\\)`));
    chownSync(sb.store, 0, 0);
    chownSync(sb.dir, 65534, 0);
    refused(sb.configPath, new RegExp(`${sb.dir} is not owned by root`));
  });

  it('a malformed config with a secret in it: line and column named, no fragment of the file in the log', () => {
    sb = hookSandbox();
    const SECRET = 'hunter2-7f3a-do-not-log';
    const cases = [
      `{\n  "store": "${sb.store}",\n  "services": { "logship": { "environment": { "TOKEN": "${SECRET}" x } } }\n}`,
      `{\n  "store": "${sb.store}",\n  "services": { "logship": { "environment": { "TOKEN": ${SECRET} } } }\n}`,
      `{\n  "store": "${sb.store}",\n  "services": { "logship": { "environment": { "TOKEN": "${SECRET}\u0001" } } }\n}`,
      `{ "store": "${sb.store}", "services": { "logship": { "environment": { "TOKEN": "${SECRET}"`,
    ];
    for (const text of cases) {
      writeFileSync(sb.configPath, text, { mode: 0o600 });
      const line = refused(sb.configPath, new RegExp(`${sb.configPath}:\\d+:\\d+: not valid JSON \\(expected [^)]*\\)+; fix the syntax`));
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('hunter');
      expect(line).not.toContain('TOKEN');
    }
    writeFileSync(sb.configPath, cases[1]!, { mode: 0o600 });
    expect(refused(sb.configPath, /:3:/)).toContain(`${sb.configPath}:3:56: not valid JSON (expected a value`);
    // A schema problem names the JSON path, not the value.
    writeFileSync(sb.configPath, JSON.stringify({ store: sb.store, services: { logship: { environment: { TOKEN: 42 }, user: SECRET } } }), {
      mode: 0o600,
    });
    const schema = refused(sb.configPath, /services\.logship\.environment\.TOKEN/);
    expect(schema).not.toContain(SECRET);
  });
});
