// The pure halves of the sandbox: what the unit asks of the file-system view, the namespace script
// built from it, the user a unit runs as, and which directives a run lists as not emulated.
import { describe, expect, it } from 'vitest';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import { fileSystemView, namespaceCommand, namespaceScript, shQuote, type NamespacePlan } from '../../../sdk/testing/sandbox-tool.ts';
import { decideServiceUser, dynamicUid, parseAccounts } from '../../../sdk/testing/service-user.ts';
import { notEmulatedDirectives, notEmulatedLine } from '../../../sdk/testing/emulated.ts';

const unit = (service: string) => parseUnitFile(`[Service]\nExecStart=/bin/true\n${service}`, 't.service');

const ACCOUNTS = parseAccounts(
  'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:1000:1000::/home/app:/bin/sh\n',
  'root:x:0:\nnogroup:x:65534:\napp:x:1000:\nadm:x:4:app\nlog:x:50:\n',
);

function plan(over: Partial<NamespacePlan> = {}): NamespacePlan {
  return {
    view: fileSystemView(unit('')),
    keepWritable: ['/tmp/composable-test-t-X'],
    inaccessibleFile: '/tmp/composable-test-t-X/inaccessible',
    cwd: '/',
    tools: { unshare: '/usr/bin/unshare', setpriv: '/usr/bin/setpriv' },
    ...over,
  };
}

describe('fileSystemView', () => {
  it('reads ProtectSystem=, ProtectHome=, PrivateTmp= and the path lists with their "-" prefix', () => {
    const v = fileSystemView(
      unit('ProtectSystem=full\nProtectHome=tmpfs\nPrivateTmp=yes\nReadOnlyPaths=/srv -/maybe\nInaccessiblePaths=/etc/shadow\n'),
    );
    expect(v).toEqual({
      protectSystem: 'full',
      protectHome: 'tmpfs',
      privateTmp: true,
      readOnlyPaths: [
        { path: '/srv', optional: false },
        { path: '/maybe', optional: true },
      ],
      readWritePaths: [],
      inaccessiblePaths: [{ path: '/etc/shadow', optional: false }],
    });
    expect(fileSystemView(unit('ProtectSystem=yes\nProtectHome=no\n'))).toMatchObject({
      protectSystem: 'yes',
      protectHome: 'no',
      privateTmp: false,
    });
  });

  it('DynamicUser=yes implies ProtectSystem=strict, ProtectHome=read-only and PrivateTmp=yes, but does not lower a stricter setting', () => {
    expect(fileSystemView(unit('DynamicUser=yes\n'))).toMatchObject({
      protectSystem: 'strict',
      protectHome: 'read-only',
      privateTmp: true,
    });
    expect(fileSystemView(unit('DynamicUser=yes\nProtectHome=yes\nProtectSystem=full\n'))).toMatchObject({
      protectSystem: 'full',
      protectHome: 'yes',
    });
  });
});

describe('namespaceScript', () => {
  it('without sandboxing only enters the working directory and execs the program', () => {
    const lines = namespaceScript(plan({ identity: undefined })).split('\n');
    expect(lines.slice(-3)).toEqual(['cd / || exit 200', 'unset PWD OLDPWD', 'exec "$@"']);
    expect(lines.some((l) => l.startsWith('mount'))).toBe(false);
  });

  it('binds the package read-only at its stable path on a tmpfs over /opt', () => {
    const s = namespaceScript(plan({ package: { hostDir: '/src/my pkg', path: '/opt/composable/t' } }));
    expect(s).toContain(
      "mount -t tmpfs -o mode=0755 composable-test /opt && mkdir -p /opt/composable/t && mount --bind '/src/my pkg' /opt/composable/t " +
        '&& mount -o remount,bind,ro,nosuid,nodev /opt/composable/t',
    );
  });

  it('PrivateTmp=: keeps the sandbox below /tmp visible, binds /var/tmp before /tmp, then the user change', () => {
    const s = namespaceScript(
      plan({
        view: fileSystemView(unit('PrivateTmp=yes\n')),
        privateTmp: { tmp: '/tmp/composable-test-t-X/tmp', varTmp: '/tmp/composable-test-t-X/var/tmp' },
        identity: { uid: 65534, gid: 65534, groups: [] },
      }),
    );
    const lines = s.split('\n');
    const keep = lines.indexOf(
      'mkdir -p /tmp/composable-test-t-X/tmp/composable-test-t-X && mount --bind /tmp/composable-test-t-X /tmp/composable-test-t-X/tmp/composable-test-t-X || fail "cannot keep /tmp/composable-test-t-X"',
    );
    const varTmp = lines.findIndex((l) => l.startsWith('mount --bind /tmp/composable-test-t-X/var/tmp /var/tmp'));
    const tmp = lines.findIndex((l) => l.startsWith('mount --rbind /tmp/composable-test-t-X/tmp /tmp'));
    expect(keep).toBeGreaterThanOrEqual(0);
    expect(varTmp).toBeGreaterThan(keep);
    expect(tmp).toBeGreaterThan(varTmp);
    expect(lines.at(-1)).toBe('exec /usr/bin/setpriv --reuid 65534 --regid 65534 --clear-groups -- "$@"');
  });

  it('ProtectSystem=strict makes every mount but the API file systems read-only, then the writable paths deeper last', () => {
    const s = namespaceScript(
      plan({ view: fileSystemView(unit('ProtectSystem=strict\nReadWritePaths=/var/lib/a\nReadOnlyPaths=/var/lib/a/b\n')) }),
    );
    expect(s).toMatch(/for m in \$\(awk '\{print \$5\}' \/proc\/self\/mountinfo\); do case "\$m" in \/dev\|\/dev\/\*\|\/proc/);
    const lines = s.split('\n');
    const rw = lines.findIndex((l) => l.includes('then rw /var/lib/a;'));
    const ro = lines.findIndex((l) => l.includes('then ro /var/lib/a/b;'));
    const keep = lines.indexOf('rw /tmp/composable-test-t-X');
    expect(rw).toBeGreaterThan(0);
    expect(ro).toBeGreaterThan(rw); // the more specific path wins, as in systemd
    expect(keep).toBeGreaterThan(0);
  });

  it('ProtectSystem=yes/full, ProtectHome= variants, InaccessiblePaths= with "-" and the groups', () => {
    const full = namespaceScript(
      plan({ view: fileSystemView(unit('ProtectSystem=full\nProtectHome=yes\nInaccessiblePaths=-/srv/secret\n')) }),
    );
    expect(full).toContain('if [ -d /etc ]; then ro /etc; fi');
    expect(full).toContain('if [ -d /usr ]; then ro /usr; fi');
    expect(full).toContain('if [ -d /root ]; then hide /root; fi');
    expect(full).toContain('if present /srv/secret optional; then hide /srv/secret; fi');
    const yes = namespaceScript(plan({ view: fileSystemView(unit('ProtectSystem=yes\nProtectHome=read-only\n')) }));
    expect(yes).not.toContain('ro /etc');
    expect(yes).toContain('if [ -d /home ]; then ro /home; fi');
    const grouped = namespaceScript(plan({ identity: { uid: 1000, gid: 4, groups: [4, 50] } }));
    expect(grouped).toContain('--reuid 1000 --regid 4 --groups 4,50 --');
  });

  it('runs the script with unshare in a private mount namespace, the program and arguments as "$@"', () => {
    const [file, args] = namespaceCommand(plan(), { path: '/opt/composable/t/usr/bin/t', argv: ['a b', '$x'] });
    expect(file).toBe('/usr/bin/unshare');
    expect(args.slice(0, 5)).toEqual(['--mount', '--propagation', 'private', '/bin/sh', '-c']);
    expect(args.slice(6)).toEqual(['sh', '/opt/composable/t/usr/bin/t', 'a b', '$x']);
  });

  it('quotes for sh', () => {
    expect(shQuote('/plain/path-1.2')).toBe('/plain/path-1.2');
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(shQuote('$HOME')).toBe(`'$HOME'`);
  });
});

describe('decideServiceUser', () => {
  const decide = (service: string, opts: { metadataUser?: string; dynamicUsers?: boolean } = {}) =>
    decideServiceUser(unit(service), 't.service', ACCOUNTS, { dynamicUsers: true, ...opts });

  it('User= by name or number, with the user’s own supplementary groups; none: root (undefined)', () => {
    expect(decide('')).toEqual({ ok: true, user: undefined });
    expect(decide('User=nobody\n')).toMatchObject({
      ok: true,
      user: { name: 'nobody', uid: 65534, gid: 65534, groups: [], home: '/nonexistent' },
    });
    expect(decide('User=app\n')).toMatchObject({ ok: true, user: { uid: 1000, gid: 1000, groups: [4] } });
    expect(decide('User=4242\n')).toMatchObject({ ok: true, user: { uid: 4242, gid: 4242 } });
  });

  it('Group= and SupplementaryGroups= apply; the metadata user empties both, as the drop-in does', () => {
    expect(decide('User=app\nGroup=log\nSupplementaryGroups=nogroup\n')).toMatchObject({
      user: { uid: 1000, gid: 50, groups: [4, 65534] },
    });
    expect(decide('User=app\nGroup=log\nSupplementaryGroups=nogroup\n', { metadataUser: 'nobody' })).toMatchObject({
      user: { name: 'nobody', uid: 65534, gid: 65534, groups: [] },
    });
  });

  it('a user or group that does not exist fails as systemd does', () => {
    expect(decide('User=ghost\n')).toEqual({
      ok: false,
      message: 'User=ghost: no such user on this machine (systemd fails with 217/USER)',
    });
    expect(decide('User=app\nGroup=ghosts\n')).toMatchObject({ ok: false, message: expect.stringContaining('216/GROUP') });
  });

  it('DynamicUser=yes: a free uid in systemd’s range named after the unit, unless a user of that name exists', () => {
    const d = decide('DynamicUser=yes\n');
    expect(d).toMatchObject({ ok: true, user: { name: 't', dynamic: true, home: '/' } });
    const uid = d.ok ? d.user!.uid : 0;
    expect(uid).toBeGreaterThanOrEqual(61184);
    expect(uid).toBeLessThanOrEqual(65519);
    expect(decide('DynamicUser=yes\nUser=app\n')).toMatchObject({ user: { uid: 1000, dynamic: false } });
    expect(decide('DynamicUser=yes\n', { dynamicUsers: false })).toEqual({ ok: true, user: undefined });
    expect(dynamicUid('t', new Set([dynamicUid('t', new Set())]))).not.toBe(dynamicUid('t', new Set()));
  });
});

describe('notEmulatedDirectives', () => {
  const file = unit(
    'User=nobody\nDynamicUser=yes\nPrivateTmp=yes\nProtectSystem=strict\nNoNewPrivileges=yes\nNoNewPrivileges=yes\nX-Mine=1\n',
  );

  it('names each directive once; the sandbox and the user only when this run cannot apply them', () => {
    expect(notEmulatedDirectives(file, { namespace: true, user: true })).toEqual(['NoNewPrivileges']);
    expect(notEmulatedDirectives(file, { namespace: false, user: true })).toEqual([
      'DynamicUser',
      'NoNewPrivileges',
      'PrivateTmp (only $TMPDIR: no mount namespace)',
      'ProtectSystem',
    ]);
    expect(notEmulatedDirectives(file, { namespace: false, user: false })).toContain('User');
    expect(notEmulatedDirectives(unit('PrivateTmp=no\n'), { namespace: false, user: false })).toEqual([]);
  });

  it('is reported as one line', () => {
    expect(notEmulatedLine(['NoNewPrivileges', 'ProtectKernelTunables'])).toBe('not emulated: NoNewPrivileges, ProtectKernelTunables');
    expect(notEmulatedLine([])).toBe('');
  });
});
