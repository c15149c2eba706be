// The store the generator benches run on (n packages, each a service, a timer and the timer's
// service, a program, and an os-release; the metadata names them all) and a reader of what the
// generator wrote. Shared by bench/generator.ts and bench/generator-startup.ts so both time the
// same packages and read output the same way.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A container root (below the system temporary directory) holding the metadata and n packages. */
export function makeBenchRoot(n: number, label: string): string {
  const root = mkdtempSync(join(tmpdir(), `composable-bench-${label}-${n}-`));
  const services = [];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}`;
    const dir = join(root, 'run/composable/store', `${name}-1.0.${i}`);
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(
      join(dir, 'usr/lib/os-release'),
      `NAME="${name}"\nID=${name}\nVERSION_ID=1.0.${i}\nCOMPOSABLE_TARGET=${['early', 'default', 'late'][i % 3]}\n`,
    );
    writeFileSync(join(dir, `usr/bin/${name}`), '#!/bin/sh\nexec sleep infinity\n');
    chmodSync(join(dir, `usr/bin/${name}`), 0o755);
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}.service`),
      `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name} --flag\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n`,
    );
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}-tick.timer`),
      `[Timer]\nOnCalendar=hourly\n\n[Install]\nWantedBy=timers.target\n`,
    );
    writeFileSync(join(dir, `usr/lib/systemd/system/${name}-tick.service`), `[Service]\nType=oneshot\nExecStart=/usr/bin/${name} --tick\n`);
    services.push({ name, source: `/run/composable/store/${name}-1.0.${i}`, environment: { INDEX: String(i) } });
  }
  writeFileSync(join(root, 'run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
  return root;
}
