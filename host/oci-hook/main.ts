// composable-oci-hook STAGE [--config FILE]: the composable agent as an OCI runtime hook.
//   createRuntime (or prestart)  read the state on stdin, mount the selected packages and the run
//                                directory into the container (podman, CRI-O, containerd via NRI)
//   precreate                    podman only: config on stdin, the same mounts added, config on stdout
//   poststop                     remove the container's run directory
//   refresh CONTAINER-ID         re-plan a running container's metadata from the current host config
//                                (then `composable apply` inside the container; with a render, the
//                                render is made again and refresh prints the systemctl commands)
// With render on (hook.json "render", or the io.composable.render annotation), createRuntime and
// precreate also render the units on the host and mount the render and the node-free generator.
// A container that did not ask for composable costs one JSON parse and exit 0. For one that did,
// a bad package is left out and recorded; the container always starts (docs/engines.md).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, DEFAULT_RUN_ROOT, parseHookConfig, type HookConfig } from './config.ts';
import { containerRootOwner, parseOciConfig, parseOciState, rootfsPath, type OciConfig } from './oci.ts';
import {
  containerDirFor,
  parseServiceNames,
  planHook,
  requestedServices,
  RUN_KEY_PATTERN,
  type HookPlan,
  type Resolution,
} from './plan-hook.ts';
import { realStore, resolveInStore } from './store.ts';
import {
  chownRunDir,
  CONTAINER_RECORD_FILE,
  copyCredentials,
  makeContainerDir,
  mountIntoContainer,
  processIdentity,
  readContainerRecord,
  removeContainerDir,
  removeCredentials,
  removeStaleContainerDirs,
  writeRunFiles,
} from './apply-hook.ts';
import { addHookMounts, isPrecreateKey, newPrecreateKey, RUN_KEY_ANNOTATION } from './precreate.ts';
import { createHookLog, type HookLog } from './log.ts';
import { FileReadError, readBounded } from './dir-fd.ts';
import { untrustedPathProblem } from './trust.ts';
import { wantsRender } from './plan-render.ts';
import { RENDER_CHILD_STAGE, runRenderChild } from './render-child.ts';
import { renderForConfig, renderIntoContainer, rerenderMountedRender, type RenderOutcome } from './render-hook.ts';

/** The hook's config and a bundle's config.json are read up to this size. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** A bundle's config.json: the engine's file, read bounded (no FIFO, no device, no endless read). */
function readBundleConfig(bundle: string): string {
  return readBounded(join(bundle, 'config.json'), { maxBytes: MAX_CONFIG_BYTES, follow: true }).toString('utf8');
}

const USAGE = `usage: composable-oci-hook createRuntime|prestart|precreate|poststop [--config FILE]
         (run by the container engine from a hook file; the state or config on stdin)
       composable-oci-hook refresh CONTAINER-ID|RUN-KEY|--all [--config FILE]
         (after changing the config: rewrite the metadata, then run \`composable apply\` in the container)
The config defaults to ${DEFAULT_CONFIG_PATH}; see docs/engines.md, "OCI hook".`;

class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

function loadConfig(path: string, log: HookLog): HookConfig {
  // sshd's StrictModes: a config someone else can write or swap is not the administrator's.
  const untrusted = untrustedPathProblem(path, 'config');
  if (untrusted) throw new ConfigError([untrusted]);
  let text: string;
  try {
    text = readBounded(path, { maxBytes: MAX_CONFIG_BYTES, follow: true }).toString('utf8');
  } catch (e) {
    throw new ConfigError([
      e instanceof FileReadError && !e.message.startsWith('cannot read')
        ? `${e.message}; the hook's config must be a JSON file (docs/engines.md, OCI hook)`
        : `${path}: cannot read the hook's config (${/\((\w+)\)$/.exec((e as Error).message)?.[1] ?? 'error'}); create it (docs/engines.md, OCI hook) or name another with --config`,
    ]);
  }
  const r = parseHookConfig(text, path);
  if (!r.ok) throw new ConfigError(r.problems);
  for (const [what, p] of [
    ['store', r.config.store],
    ['run root', r.config.runRoot ?? DEFAULT_RUN_ROOT],
  ] as const) {
    const problem = untrustedPathProblem(p, what);
    if (problem) throw new ConfigError([`${path}: ${problem}`]);
  }
  // From here on, whatever happens is also written to the configured log file.
  log.logFile = r.config.logFile;
  return r.config;
}

/** The hook's standard streams and system log; tests pass their own. */
export interface HookIO {
  stdin(): string;
  stdout(text: string): void;
  /** Send log lines to syslog or the kernel log (off in tests). */
  systemLog: boolean;
  /** Also print log lines on stderr. */
  stderr: boolean;
}

const processIO: HookIO = {
  stdin: () => readFileSync(0, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  systemLog: true,
  stderr: process.env.COMPOSABLE_HOOK_STDERR === '1',
};

function describe(plan: HookPlan): string {
  const services = plan.metadata.services.map((s) => s.name);
  return `services: ${services.length > 0 ? services.join(' ') : '(none)'}${plan.refused.length > 0 ? `; refused: ${plan.refused.map((r) => JSON.stringify(r.name)).join(' ')}` : ''}`;
}

function logRefusals(log: HookLog, who: string, plan: HookPlan): void {
  for (const r of plan.refused) log.log('warning', `${who}: package ${JSON.stringify(r.name)} refused: ${r.reason}`);
  if (plan.runDirError) log.log('err', `${who}: started without composable: ${plan.runDirError}`);
}

/** The store's real path; an unusable store is a config problem, said as one. */
function storeOf(config: HookConfig, configPath: string): string {
  try {
    return realStore(config.store);
  } catch (e) {
    throw new ConfigError([
      `${configPath}: store ${config.store} cannot be used (${(e as NodeJS.ErrnoException).code ?? 'error'}); create it or fix "store"`,
    ]);
  }
}

/** Resolve the annotation's names against the store and plan. */
function planFor(config: HookConfig, configPath: string, value: string, key: string, containerId: string | undefined): HookPlan {
  const { names, refused } = parseServiceNames(value);
  const storeReal = storeOf(config, configPath);
  const resolutions = names.map((n) => resolveInStore(storeReal, n));
  return planHook({ config, key, containerId, names, resolutions, refused });
}

function createRuntime(configPath: string, log: HookLog, io: HookIO): void {
  const state = parseOciState(io.stdin());
  let annotations = state.annotations;
  let oci: OciConfig | undefined;
  if (requestedServices(annotations) === undefined) {
    // runc passes the config's annotations in the state; read config.json only when it did not.
    if (Object.keys(annotations).length > 0) return;
    oci = parseOciConfig(readBundleConfig(state.bundle), join(state.bundle, 'config.json'));
    annotations = oci.annotations ?? {};
  }
  const value = requestedServices(annotations);
  if (value === undefined) return;
  const config = loadConfig(configPath, log);
  // precreate (podman) already added the mounts to the config. Only a key precreate made counts:
  // an annotation anyone can set must not switch this stage off for another reason.
  const runKey = annotations[RUN_KEY_ANNOTATION];
  if (runKey !== undefined && isPrecreateKey(runKey) && existsSync(join(containerDirFor(config, runKey), CONTAINER_RECORD_FILE))) return;
  const who = `container ${state.id}`;
  if (state.pid === undefined) {
    log.log('err', `${who}: the state on stdin has no pid; started without composable`);
    return;
  }
  oci ??= parseOciConfig(readBundleConfig(state.bundle), join(state.bundle, 'config.json'));
  let plan = planFor(config, configPath, value, state.id, state.id);
  removeStaleContainerDirs(plan.containerDir, log);
  makeContainerDir(plan);
  plan = copyCredentials(plan);
  const rootfs = rootfsPath(oci, state.bundle);
  plan = mountIntoContainer(plan, state.pid, rootfs);
  // The render is made of the metadata as written and the packages as mounted, so it comes after
  // the mounts; without a run directory there is nothing to render for.
  const rendered =
    wantsRender(config, annotations) && !plan.runDirError ? renderIntoContainer({ plan, oci, pid: state.pid, rootfs }) : undefined;
  const owner = containerRootOwner(oci);
  writeRunFiles(
    plan,
    {
      key: state.id,
      containerId: state.id,
      stage: 'createRuntime',
      requested: parseServiceNames(value).names,
      mounted: plan.metadata.services.map((s) => s.name),
      owner,
      process: processIdentity(state.pid),
      ...(rendered?.record ? { render: rendered.record } : {}),
    },
    rendered?.status,
  );
  chownRunDir(plan.runDir, owner);
  logRefusals(log, who, plan);
  logRender(log, who, rendered);
  log.log('info', `${who}: ${describe(plan)}; run directory ${plan.runDir}`);
}

/** One line for the render: what it enables, or why there is none (the container starts either way). */
function logRender(log: HookLog, who: string, rendered: RenderOutcome | undefined): void {
  if (!rendered) return;
  const s = rendered.status;
  if (s.state === 'failed') log.log('warning', `${who}: units not rendered: ${s.reason}; the container starts without the render`);
  else
    log.log(
      'info',
      `${who}: units rendered: enabled ${s.enabled.length > 0 ? s.enabled.join(' ') : '(none)'}${s.skipped.length > 0 ? `; skipped ${s.skipped.join(' ')} (the render's status.json says why)` : ''}`,
    );
  for (const n of s.notes ?? []) log.log('notice', `${who}: render: ${n}`);
}

function precreate(configPath: string, log: HookLog, io: HookIO): void {
  const text = io.stdin();
  let out = text;
  try {
    const oci = parseOciConfig(text, 'the proposed config on stdin');
    const value = requestedServices(oci.annotations);
    if (value !== undefined) {
      const config = loadConfig(configPath, log);
      const key = newPrecreateKey();
      let plan = planFor(config, configPath, value, key, undefined);
      makeContainerDir(plan);
      plan = copyCredentials(plan);
      const rendered = wantsRender(config, oci.annotations) ? renderForConfig({ plan, oci }) : undefined;
      const owner = containerRootOwner(oci);
      writeRunFiles(
        plan,
        {
          key,
          stage: 'precreate',
          requested: parseServiceNames(value).names,
          mounted: plan.metadata.services.map((s) => s.name),
          owner,
          ...(rendered?.record ? { render: rendered.record } : {}),
        },
        rendered?.status,
      );
      chownRunDir(plan.runDir, owner);
      out = JSON.stringify(addHookMounts(oci, plan, key, rendered?.mounts));
      const who = `container (run key ${key})`;
      logRefusals(log, who, plan);
      logRender(log, who, rendered);
      log.log('info', `${who}: ${describe(plan)}; run directory ${plan.runDir}`);
    }
  } finally {
    // podman uses whatever this stage prints as the config: always print a whole one.
    io.stdout(out);
  }
}

function poststop(configPath: string, log: HookLog, io: HookIO): void {
  const state = parseOciState(io.stdin());
  // Nothing was set up for a container that did not ask (the same test createRuntime makes).
  if (
    requestedServices(state.annotations) === undefined &&
    state.annotations[RUN_KEY_ANNOTATION] === undefined &&
    Object.keys(state.annotations).length > 0
  )
    return;
  let config: HookConfig | undefined;
  try {
    config = loadConfig(configPath, log);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) log.log('err', p);
    log.log('warning', `clean-up uses the default run root ${DEFAULT_RUN_ROOT}`);
  }
  const base: HookConfig = config ?? { store: '/' };
  let runKey: string | undefined = state.annotations[RUN_KEY_ANNOTATION];
  if (runKey === undefined) {
    // podman passes poststop the annotations it was asked for, without those precreate added;
    // the bundle's config.json (written from precreate's output) has them.
    try {
      runKey = parseOciConfig(readBundleConfig(state.bundle)).annotations?.[RUN_KEY_ANNOTATION];
    } catch {
      // No config.json any more: nothing was set up at precreate, or it is already gone.
    }
  }
  // The annotation is only trusted to name a precreate key (random, never shown by the engine):
  // set by hand to another container's ID it must not remove that container's directory.
  const keys = [state.id, runKey].filter(
    (k): k is string => k !== undefined && RUN_KEY_PATTERN.test(k) && (k === state.id || isPrecreateKey(k)),
  );
  const removed = keys.map((k) => containerDirFor(base, k)).filter((dir) => removeContainerDir(dir));
  if (removed.length > 0) log.log('info', `container ${state.id}: removed ${removed.join(' ')}`);
}

/** Re-plan one running container's metadata from the current host config and store. */
function refreshOne(config: HookConfig, storeReal: string, key: string, log: HookLog, io: HookIO): 'apply' | 'reload' {
  const containerDir = containerDirFor(config, key);
  let record;
  try {
    record = readContainerRecord(containerDir);
  } catch (e) {
    throw new ConfigError([
      `${containerDir}: no container record (${(e as NodeJS.ErrnoException).code ?? 'error'}); ` +
        `is ${key} a running container the hook set up? (podman: the full ID; after precreate: the p-... run key; or --all)`,
    ]);
  }
  // Only packages mounted when the container was created can run in it; the version is left to
  // the mounted package itself (the store may hold a newer one by now).
  const resolutions: Resolution[] = record.requested.map((n) => {
    if (!record.mounted.includes(n))
      return { ok: false, reason: 'its package was not mounted when the container was created; recreate the container to add it' };
    const r = resolveInStore(storeReal, n);
    return r.ok ? { ok: true, pkg: { name: r.pkg.name, hostPath: r.pkg.hostPath } } : r;
  });
  let plan = planHook({ config, key: record.key, containerId: record.containerId, names: record.requested, resolutions });
  removeCredentials(plan.runDir);
  plan = copyCredentials(plan);
  // A container with a render mounted gets it re-rendered: its image may have no node to plan with.
  const rendered = record.render ? rerenderMountedRender({ plan, record: { ...record, render: record.render } }) : undefined;
  // The record keeps what is mounted, not what is enabled now: a service switched off can come back.
  writeRunFiles(
    plan,
    {
      key: record.key,
      containerId: record.containerId,
      stage: 'refresh',
      requested: record.requested,
      mounted: record.mounted,
      owner: record.owner,
      process: record.process,
      ...(record.render ? { render: record.render } : {}),
    },
    rendered?.status,
  );
  chownRunDir(plan.runDir, record.owner);
  const who = `container ${record.containerId ?? `(run key ${record.key})`}`;
  logRefusals(log, who, plan);
  logRender(log, who, rendered);
  if (!rendered) {
    log.log('info', `${who}: refreshed ${plan.runDir}/metadata.json: ${describe(plan)}; run \`composable apply\` in the container`);
    io.stdout(`${key}: ${describe(plan)}\n`);
    return 'apply';
  }
  io.stdout(`${key}: ${describe(plan)}\n`);
  if (rendered.status.state === 'failed') {
    // The new metadata is written and the mounted render is the old one: a daemon-reload in the
    // container now would find it stale and enable nothing of it.
    throw new ConfigError([
      `${who}: refreshed ${plan.runDir}/metadata.json but could not render it: ${rendered.status.reason}; ` +
        'the mounted render no longer fits (a daemon-reload in the container would enable nothing of it): fix the cause and refresh again',
    ]);
  }
  log.log('info', `${who}: refreshed ${plan.runDir}/metadata.json and the render: ${describe(plan)}`);
  io.stdout(`${key}: then in the container: ${(rendered.commands ?? []).join(' && ')}\n`);
  return 'reload';
}

/** `refresh ID|RUN-KEY` or `refresh --all`: then `composable apply` inside each container. */
function refresh(configPath: string, target: string | undefined, log: HookLog, io: HookIO): void {
  if (!target || (target !== '--all' && !RUN_KEY_PATTERN.test(target))) throw new ConfigError([USAGE]);
  const config = loadConfig(configPath, log);
  const storeReal = storeOf(config, configPath);
  const keys = target === '--all' ? containerKeys(config) : [target];
  const how = keys.map((key) => refreshOne(config, storeReal, key, log, io));
  if (keys.length === 0) io.stdout('no containers set up by the hook\n');
  else if (how.includes('apply')) io.stdout('now run `composable apply` inside the container(s) without a render\n');
}

/** The run keys of every container the hook has set up (those with a record). */
function containerKeys(config: HookConfig): string[] {
  const root = config.runRoot ?? DEFAULT_RUN_ROOT;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => RUN_KEY_PATTERN.test(n) && existsSync(join(root, n, CONTAINER_RECORD_FILE)));
}

export function main(argv: string[], io: HookIO = processIO): number {
  const stage = argv[0];
  const i = argv.indexOf('--config');
  const configPath = i >= 0 && argv[i + 1] ? argv[i + 1] : DEFAULT_CONFIG_PATH;
  // refresh is run by a person: its log lines belong on the terminal too.
  const log = createHookLog(stage ?? '?', io.stderr || (io === processIO && stage === 'refresh'));
  try {
    switch (stage) {
      case RENDER_CHILD_STAGE:
        // The hook's own render child (render-child.ts), started by createRuntime, precreate or refresh.
        return runRenderChild();
      case 'createRuntime':
      case 'prestart':
        createRuntime(configPath, log, io);
        break;
      case 'precreate':
        precreate(configPath, log, io);
        break;
      case 'poststop':
        poststop(configPath, log, io);
        break;
      case 'refresh':
        refresh(configPath, argv[1], log, io);
        break;
      case '--help':
      case '-h':
        io.stdout(`${USAGE}\n`);
        return 0;
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    // A hook that exits non-zero stops the container from starting: the container asked for
    // composable, but it must still start (without it), with the reason in the log.
    const problems = e instanceof ConfigError ? e.problems : [`${(e as Error).message ?? String(e)}`];
    for (const p of problems) log.log('err', `${p}${stage === 'refresh' ? '' : '; the container starts without composable'}`);
    log.flush(io.systemLog);
    return stage === 'refresh' ? 1 : 0;
  }
  log.flush(io.systemLog);
  return 0;
}
