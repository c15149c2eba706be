// podman's precreate stage (podman only, since 1.0): the hook reads the proposed OCI config on
// stdin and prints the whole config to use. Adding the mounts here lets runc create and mount them
// itself (with its own symlink-safe resolution inside the root). podman 4.3 gives this stage no
// container ID, so the run directory is keyed by a random key, recorded in an annotation that the
// later stages (poststop) read back.
import { randomBytes } from 'node:crypto';
import type { OciConfig } from './oci.ts';
import { mountOptions, type HookMount, type HookPlan } from './plan-hook.ts';

/** Annotation naming the run directory key chosen at precreate; poststop removes that directory. */
export const RUN_KEY_ANNOTATION = 'io.composable.hook.run-key';

/** A run key precreate makes: `p-` and 128 random bits, so it cannot be guessed or be a container ID. */
export function newPrecreateKey(): string {
  return `p-${randomBytes(16).toString('hex')}`;
}

export function isPrecreateKey(key: string): boolean {
  return /^p-[0-9a-f]{32}$/.test(key);
}

/**
 * The config with the plan's mounts appended (after the engine's own, so /run/composable lands on
 * the /run tmpfs podman adds for systemd) and the run key recorded. Mounts of the container's own
 * at the same destinations are removed: the hook's mount must be the one there. Pure.
 */
export function addHookMounts(config: OciConfig, plan: HookPlan, key: string, renderMounts: readonly HookMount[] = []): OciConfig {
  // The render's after the run directory's: its mount point is below it (plan-render.ts).
  const all = [...plan.mounts, ...renderMounts];
  const ours = new Set(all.map((m) => m.destination));
  const mounts = (config.mounts ?? []).filter((m) => !ours.has(m.destination));
  for (const m of all) {
    mounts.push({ destination: m.destination, type: 'bind', source: m.source, options: ['bind', ...mountOptions(m)] });
  }
  return { ...config, mounts, annotations: { ...(config.annotations ?? {}), [RUN_KEY_ANNOTATION]: key } };
}
