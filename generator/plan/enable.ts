// Which units of a package are enabled, and the relative symlinks that do it.
// [Install] targets are mapped onto the package's composable target: a sidecar starts when its
// ordering target does, whatever target its unit file was written for.
import { getList } from '../../sdk/unit-file/lookup.ts';
import { parseUnitName } from '../../sdk/unit-name.ts';
import type { PackageUnit } from '../../sdk/package.ts';
import type { OutputFile } from './types.ts';
import type { Reason } from '../../sdk/schema/status.ts';

export interface Enablement {
  /** Units enabled (instance names for template instances). */
  enabled: string[];
  links: OutputFile[];
  reasons: Reason[];
}

/** The unit file that provides `name`: itself, or its template for an instance. */
export function unitFileFor(name: string, units: readonly PackageUnit[]): PackageUnit | undefined {
  const direct = units.find((u) => u.name === name);
  if (direct) return direct;
  const parsed = parseUnitName(name);
  if (parsed?.instance) return units.find((u) => u.name === `${parsed.prefix}@.${parsed.type}`);
  return undefined;
}

export function planEnablement(units: readonly PackageUnit[], requested: readonly string[] | undefined, target: string): Enablement {
  const reasons: Reason[] = [];
  const byName = new Map<string, { unit: PackageUnit; requires: boolean }>();
  const queue: string[] = [];

  const add = (name: string, origin: string): void => {
    if (byName.has(name)) return;
    const unit = unitFileFor(name, units);
    if (!unit) {
      reasons.push({ code: 'unit-not-found', message: `${origin} names ${name}, which the package does not contain` });
      return;
    }
    const parsed = parseUnitName(name);
    if (parsed?.template && !parsed.instance) {
      const defaultInstance = getList(unit.file, 'Install', 'DefaultInstance').at(-1);
      if (!defaultInstance) {
        reasons.push({
          code: 'template-without-instance',
          file: unit.relPath,
          message: `${name} is a template; name an instance such as ${parsed.prefix}@x.${parsed.type} in "units", or set DefaultInstance=`,
        });
        return;
      }
      name = `${parsed.prefix}@${defaultInstance}.${parsed.type}`;
    }
    const requires = getList(unit.file, 'Install', 'RequiredBy').length > 0 && getList(unit.file, 'Install', 'WantedBy').length === 0;
    byName.set(name, { unit, requires });
    queue.push(name);
  };

  if (requested && requested.length > 0) {
    for (const name of requested) add(name, 'metadata "units"');
  } else {
    for (const unit of units) {
      if (getList(unit.file, 'Install', 'WantedBy').length > 0 || getList(unit.file, 'Install', 'RequiredBy').length > 0) {
        add(unit.name, `${unit.relPath} [Install]`);
      }
    }
  }
  // Also= enables further units with the one that names them (systemd.unit(5) [Install]).
  for (let i = 0; i < queue.length; i++) {
    const entry = byName.get(queue[i]!)!;
    for (const also of getList(entry.unit.file, 'Install', 'Also')) add(also, `${entry.unit.relPath} Also=`);
  }

  const enabled = [...byName.keys()].sort();
  const links: OutputFile[] = enabled.map((name) => {
    const { unit, requires } = byName.get(name)!;
    return { kind: 'symlink', path: `${target}.${requires ? 'requires' : 'wants'}/${name}`, target: `../${unit.name}` };
  });
  return { enabled, links, reasons };
}
