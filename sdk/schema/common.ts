// Shared building blocks of the contract's schemas. Written with zod/mini so the generator bundle
// stays small; the same objects produce the exported JSON Schema.
import * as z from 'zod/mini';
import { PROFILES, MODES } from '../contract.ts';

/**
 * A package (service) name. It becomes a unit-name prefix (`<name>.service`, `<name>-x.timer`), a
 * path component (`/opt/composable/<name>`) and a journal field, so it uses the characters all
 * three accept: systemd's unit-name characters minus `\` (escaping) and `@` (templates), not
 * starting with `.` or `-`. 128 characters leave room for suffixes within systemd's 255.
 */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9:_.-]{0,127}$/;
export const ServiceName = z
  .string()
  .check(
    z.maxLength(128, { message: 'must be 1-128 characters', abort: true }),
    z.regex(SERVICE_NAME_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 : _ . - and not start with . or -'),
  );

/** os-release(5) VERSION_ID characters (plus upper case and `+~`, which package versions use). */
export const VERSION_PATTERN = /^[A-Za-z0-9._~+-]{1,64}$/;
export const Version = z.string().check(z.regex(VERSION_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ ~ + -'));

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const Digest = z.string().check(z.regex(DIGEST_PATTERN, 'must be "sha256:" followed by 64 lower-case hex digits'));

/** `early`, `default`, `late`, or any `*.target` unit name. */
export const TARGET_PATTERN = /^(early|default|late|[A-Za-z0-9:_.\\-]+\.target)$/;
export const Target = z
  .string()
  .check(
    z.maxLength(255, { message: 'must be at most 255 characters (a unit name)', abort: true }),
    z.regex(TARGET_PATTERN, 'must be early, default, late or a unit name ending in .target'),
  );

export const ModeSchema = z.enum(MODES);
export const ProfileSchema = z.enum(PROFILES);

/** A unit name of one of the types a package may ship. */
export const UNIT_NAME_PATTERN = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|timer|path|target)$/;
export const UnitName = z
  .string()
  .check(
    z.maxLength(255, { abort: true }),
    z.regex(UNIT_NAME_PATTERN, 'must be a unit name ending in .service, .socket, .timer, .path or .target'),
  );

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CREDENTIAL_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
export const CAPABILITY_PATTERN = /^CAP_[A-Z_]+$/;
/**
 * The capabilities systemd 252 knows (capability_from_name(), the kernel's 0-40). An unknown name
 * would make systemd ignore the whole CapabilityBoundingSet=/AmbientCapabilities= line. In bit
 * order (linux/capability.h): the generator reads a CapEff: mask by index.
 */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;
export const Capability = z.enum(CAPABILITY_NAMES, 'must be a capability systemd knows, like CAP_NET_BIND_SERVICE');

/**
 * A user for User=: the portable subset of systemd's strict user names (valid_user_group_name():
 * at most 31 characters), or a numeric uid systemd accepts (uid_is_valid(): 0-4294967294, not
 * 65535). systemd ignores an invalid User= line, and the service would then run as root.
 */
export const USER_PATTERN =
  /^([a-z_][a-z0-9_-]{0,30}|(?!65535$)(0|[1-9][0-9]{0,8}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-4]))$/;

/** PATH_MAX minus the terminating NUL: the longest path systemd and the kernel take. */
export const PATH_MAX_LENGTH = 4095;

/**
 * An absolute, normalised container path: no `.`/`..` components, no `//`, no trailing `/`, no
 * control characters (a newline or CR would end the unit-file line it is written to) and no
 * trailing backslash (it would join the next line to it), at most
 * PATH_MAX_LENGTH characters. The length is checked first, so the pattern never runs on a huge
 * string.
 */
export const ABSOLUTE_PATH_PATTERN = /^(\/(?!\.{1,2}(\/|$))[^/\x00-\x1f\x7f]+)+(?<!\\)$/;
export const AbsolutePath = z.string().check(
  z.maxLength(PATH_MAX_LENGTH, { message: `must be at most ${PATH_MAX_LENGTH} characters`, abort: true }),
  z.regex(
    ABSOLUTE_PATH_PATTERN,
    'must be an absolute path without . or .. components, // or a trailing /, and without control characters or a trailing backslash',
  ),
  z.refine((s: string) => !LONE_SURROGATE.test(s), 'must be valid UTF-8 (it holds a lone UTF-16 surrogate)'),
);

/** A UTF-16 surrogate without its pair: JSON can carry one, UTF-8 (and so systemd) cannot. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A record of names the user chose (environment variables, credentials, labels). A key
 * `__proto__` is an own property after JSON.parse, but zod leaves it out of the parsed record
 * (assigning it would set the prototype): the entry would vanish without a word, so it is refused.
 */
export function namedRecord<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(key: K, value: V) {
  return z.pipe(
    z.custom<unknown>(
      (v) => !(typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')),
      '"__proto__" cannot be a name here: JavaScript reads it as the object\'s prototype and the entry would be lost; rename it',
    ),
    z.record(key, value),
  );
}
