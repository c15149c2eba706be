import { describe, expect, it } from 'vitest';
import table from '../../../lint/data/directives.json' with { type: 'json' };
import { DIRECTIVE_CLASS_IDS, DIRECTIVE_CLASSES, VALUE_RULE_IDS, classifyDirective } from '../../../sdk/unit-file/directive-classes.ts';

const sections = (table as { sections: Record<string, Record<string, string>> }).sections;
const inSystemd = Object.entries(sections).flatMap(([section, keys]) => Object.keys(keys).map((key) => `${section}.${key}`));

describe('directive classes', () => {
  it('classifies every directive of systemd 252', () => {
    const missing = inSystemd.filter((name) => !Object.hasOwn(DIRECTIVE_CLASSES, name));
    if (missing.length > 0) console.log(`unclassified (${missing.length}):\n${missing.join('\n')}`);
    expect(missing).toEqual([]);
  });

  it('classifies nothing that is not in the table', () => {
    const known = new Set(inSystemd);
    expect(Object.keys(DIRECTIVE_CLASSES).filter((name) => !known.has(name))).toEqual([]);
  });

  it('has well-formed entries', () => {
    for (const [name, entry] of Object.entries(DIRECTIVE_CLASSES)) {
      expect(DIRECTIVE_CLASS_IDS, name).toContain(entry.class);
      expect(VALUE_RULE_IDS, name).toContain(entry.valueRule);
      expect(entry.why.length, name).toBeGreaterThan(10);
      expect(entry.why, name).not.toContain('\n');
      if (entry.class === 'harmless') expect(entry.valueRule, name).toBe('always');
      if (entry.valueRule === 'matches' || entry.valueRule === 'unless') {
        expect((entry.values?.length ?? 0) + (entry.prefixes?.length ?? 0), name).toBeGreaterThan(0);
      }
      for (const target of entry.actsOn ?? []) {
        expect(Object.hasOwn(DIRECTIVE_CLASSES, target), `${name} acts on ${target}`).toBe(true);
        expect(target.split('.')[0], name).toBe(name.split('.')[0]);
      }
    }
  });

  it('unknown directives are undefined', () => {
    expect(classifyDirective('Service', 'NoSuchThing', 'x')).toBeUndefined();
    expect(classifyDirective('Nope', 'ExecStart')).toBeUndefined();
    expect(classifyDirective('Service', 'constructor')).toBeUndefined();
  });

  describe('the cases of issue 26', () => {
    it('sockets: ListenSpecial, ListenFIFO, ListenStream with a path, Symlinks, modes', () => {
      expect(classifyDirective('Socket', 'ListenSpecial', '/dev/sda')).toBe('path');
      expect(classifyDirective('Socket', 'ListenFIFO', '/run/x.fifo')).toBe('path');
      expect(classifyDirective('Socket', 'ListenStream', '/etc/shadow')).toBe('path');
      expect(classifyDirective('Socket', 'ListenStream', '%t/app.sock')).toBe('path');
      expect(classifyDirective('Socket', 'ListenStream', '8080')).toBe('harmless');
      expect(classifyDirective('Socket', 'ListenStream', '127.0.0.1:8080')).toBe('harmless');
      expect(classifyDirective('Socket', 'ListenStream', '@abstract')).toBe('harmless');
      expect(classifyDirective('Socket', 'ListenDatagram', '/run/log.sock')).toBe('path');
      expect(classifyDirective('Socket', 'Symlinks', '/etc/passwd')).toBe('path');
      expect(classifyDirective('Socket', 'RemoveOnStop', 'yes')).toBe('path');
      expect(classifyDirective('Socket', 'RemoveOnStop', 'no')).toBe('harmless');
      expect(DIRECTIVE_CLASSES['Socket.SocketMode'].actsOn).toContain('Socket.ListenStream');
      expect(classifyDirective('Socket', 'ListenNetlink', 'audit 1')).toBe('privileged');
      expect(classifyDirective('Socket', 'Service', 'other.service')).toBe('unit-ref');
    });

    it('StandardOutput=truncate:/etc/passwd vs StandardOutput=journal', () => {
      expect(classifyDirective('Service', 'StandardOutput', 'truncate:/etc/passwd')).toBe('path');
      expect(classifyDirective('Service', 'StandardOutput', 'append:/var/log/x')).toBe('path');
      expect(classifyDirective('Service', 'StandardOutput', 'file:/x')).toBe('path');
      expect(classifyDirective('Service', 'StandardError', 'file:/x')).toBe('path');
      expect(classifyDirective('Service', 'StandardInput', 'file:/etc/shadow')).toBe('path');
      expect(classifyDirective('Service', 'StandardInput', 'tty-force')).toBe('path');
      expect(classifyDirective('Service', 'StandardOutput', 'journal')).toBe('harmless');
      expect(classifyDirective('Service', 'StandardOutput', 'journal+console')).toBe('harmless');
      expect(classifyDirective('Service', 'StandardError', 'inherit')).toBe('harmless');
      expect(classifyDirective('Service', 'StandardInput', 'null')).toBe('harmless');
      expect(classifyDirective('Service', 'StandardOutput')).toBe('path');
    });

    it('path units: MakeDirectory, DirectoryMode, PathExists, PathChanged, Unit=', () => {
      expect(classifyDirective('Path', 'MakeDirectory', 'yes')).toBe('path');
      expect(classifyDirective('Path', 'MakeDirectory', 'no')).toBe('harmless');
      expect(classifyDirective('Path', 'DirectoryMode', '0777')).toBe('path');
      expect(DIRECTIVE_CLASSES['Path.MakeDirectory'].actsOn).toEqual(['Path.PathChanged', 'Path.PathModified', 'Path.DirectoryNotEmpty']);
      expect(classifyDirective('Path', 'PathExists', '/etc/x')).toBe('path');
      expect(classifyDirective('Path', 'PathChanged', '/etc/x')).toBe('path');
      expect(classifyDirective('Path', 'Unit', 'other.service')).toBe('unit-ref');
    });

    it('PermissionsStartOnly and the exec prefixes', () => {
      expect(classifyDirective('Service', 'PermissionsStartOnly', 'yes')).toBe('privileged');
      expect(classifyDirective('Service', 'PermissionsStartOnly', 'no')).toBe('harmless');
      expect(classifyDirective('Service', 'ExecStart', '/usr/bin/app --flag')).toBe('harmless');
      expect(classifyDirective('Service', 'ExecStart', '+/bin/sh -c id')).toBe('privileged');
      expect(classifyDirective('Service', 'ExecStartPre', '-!/bin/true')).toBe('privileged');
      expect(classifyDirective('Service', 'ExecStop', '@!!/bin/x x')).toBe('privileged');
      expect(classifyDirective('Service', 'ExecStart', '/bin/a ; +/bin/b')).toBe('privileged');
      expect(classifyDirective('Socket', 'ExecStartPre', '+/bin/b')).toBe('privileged');
    });

    it('SuccessAction, FailureAction, StartLimitAction, JobTimeoutAction', () => {
      for (const key of ['SuccessAction', 'FailureAction', 'StartLimitAction', 'JobTimeoutAction']) {
        expect(classifyDirective('Unit', key, 'reboot-force'), key).toBe('privileged');
        expect(classifyDirective('Unit', key, 'exit'), key).toBe('privileged');
        expect(classifyDirective('Unit', key, 'none'), key).toBe('harmless');
        expect(classifyDirective('Unit', key), key).toBe('privileged');
      }
      expect(classifyDirective('Service', 'FailureAction', 'poweroff')).toBe('privileged');
      expect(classifyDirective('Service', 'StartLimitAction', 'reboot')).toBe('privileged');
      expect(classifyDirective('Unit', 'RebootArgument', '1')).toBe('privileged');
    });

    it('dependencies name other units', () => {
      for (const key of ['Conflicts', 'PropagatesStopTo', 'StopPropagatedFrom', 'PartOf', 'BindsTo', 'OnFailure', 'OnSuccess', 'Upholds']) {
        expect(classifyDirective('Unit', key, 'getty@tty1.service'), key).toBe('unit-ref');
      }
      expect(classifyDirective('Timer', 'Unit', 'other.service')).toBe('unit-ref');
      expect(classifyDirective('Install', 'WantedBy', 'multi-user.target')).toBe('unit-ref');
      expect(classifyDirective('Install', 'Alias', 'dbus.service')).toBe('unit-ref');
      expect(classifyDirective('Service', 'Slice', 'system.slice')).toBe('unit-ref');
    });

    it('credentials and bind mounts take paths PID 1 opens', () => {
      expect(classifyDirective('Service', 'LoadCredential', 'key:/etc/shadow')).toBe('path');
      expect(classifyDirective('Service', 'LoadCredentialEncrypted', 'key:/etc/x.cred')).toBe('path');
      expect(classifyDirective('Service', 'SetCredential', 'key:value')).toBe('harmless');
      expect(classifyDirective('Service', 'BindReadOnlyPaths', '/etc/shadow:/x')).toBe('path');
      expect(classifyDirective('Service', 'BindPaths', '/')).toBe('path');
      expect(classifyDirective('Service', 'EnvironmentFile', '-/etc/default/x')).toBe('path');
      expect(classifyDirective('Service', 'PIDFile', '/run/x.pid')).toBe('path');
      expect(classifyDirective('Service', 'WorkingDirectory', '/etc')).toBe('path');
      expect(classifyDirective('Service', 'WorkingDirectory', '~')).toBe('harmless');
      expect(classifyDirective('Service', 'StateDirectory', 'ssh')).toBe('path');
    });

    it('privilege and sandbox settings depend on the value', () => {
      expect(classifyDirective('Service', 'User', 'root')).toBe('privileged');
      expect(classifyDirective('Service', 'NoNewPrivileges', 'no')).toBe('privileged');
      expect(classifyDirective('Service', 'NoNewPrivileges', 'yes')).toBe('harmless');
      expect(classifyDirective('Service', 'PrivateDevices', 'false')).toBe('privileged');
      expect(classifyDirective('Service', 'PrivateDevices', 'on')).toBe('harmless');
      expect(classifyDirective('Service', 'IOSchedulingClass', 'realtime')).toBe('privileged');
      expect(classifyDirective('Service', 'IOSchedulingClass', 'idle')).toBe('harmless');
      expect(classifyDirective('Service', 'OOMScoreAdjust', '-900')).toBe('privileged');
      expect(classifyDirective('Service', 'OOMScoreAdjust', '500')).toBe('harmless');
      expect(classifyDirective('Service', 'CapabilityBoundingSet', 'CAP_SYS_ADMIN')).toBe('privileged');
      expect(classifyDirective('Service', 'CapabilityBoundingSet', '~CAP_SYS_ADMIN')).toBe('harmless');
      expect(classifyDirective('Service', 'Delegate', 'cpu memory')).toBe('privileged');
      expect(classifyDirective('Service', 'Delegate', 'no')).toBe('harmless');
      expect(classifyDirective('Unit', 'Description', 'anything')).toBe('harmless');
      expect(classifyDirective('Service', 'Restart', 'always')).toBe('harmless');
      expect(classifyDirective('Mount', 'Description')).toBeUndefined();
      expect(classifyDirective('Mount', 'What', '/dev/sda1')).toBe('privileged');
      expect(classifyDirective('Swap', 'Nice', '5')).toBe('privileged');
    });
  });
});
