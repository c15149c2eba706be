// Files anyone may change, and setuid/setgid programs. The store is mounted read-only and
// nosuid, so these do nothing useful in a container, but they show a careless build and are
// dangerous wherever the tree is unpacked.
import type { PackageRule } from '../../types.ts';

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/unsafe-permissions',
    severity: 'error',
    description: 'World-writable files or directories, and setuid/setgid files',
    messages: {
      worldWritable: '{{path}} is world-writable (mode {{mode}})',
      setuid: '{{path}} is {{bits}} (mode {{mode}}); the package is mounted nosuid, so this never works and only adds risk',
    },
    hint: {
      worldWritable:
        'chmod o-w {{path}} (directories a service writes to belong in StateDirectory=/RuntimeDirectory=, not in the package).',
      setuid: 'chmod ug-s {{path}}; grant capabilities with AmbientCapabilities= or the metadata\'s "capabilities" instead.',
    },
  },
  check(ctx) {
    for (const f of ctx.pkg.files) {
      if (f.type === 'symlink') continue;
      if (f.mode & 0o002)
        ctx.report({ messageId: 'worldWritable', data: { path: f.relPath, mode: octal(f.mode) }, file: ctx.pkg.path(f.relPath) });
      if (f.type === 'file' && f.mode & 0o6000) {
        const bits = [f.mode & 0o4000 ? 'setuid' : '', f.mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join(' and ');
        ctx.report({ messageId: 'setuid', data: { path: f.relPath, bits, mode: octal(f.mode) }, file: ctx.pkg.path(f.relPath) });
      }
    }
  },
};
