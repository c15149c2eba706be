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
export const ServiceName = z.string().check(
  z.regex(SERVICE_NAME_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 : _ . - and not start with . or -'),
);

/** os-release(5) VERSION_ID characters (plus upper case and `+~`, which package versions use). */
export const VERSION_PATTERN = /^[A-Za-z0-9._~+-]{1,64}$/;
export const Version = z.string().check(z.regex(VERSION_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ ~ + -'));

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const Digest = z.string().check(z.regex(DIGEST_PATTERN, 'must be "sha256:" followed by 64 lower-case hex digits'));

/** `early`, `default`, `late`, or any `*.target` unit name. */
export const TARGET_PATTERN = /^(early|default|late|[A-Za-z0-9:_.\\-]+\.target)$/;
export const Target = z.string().check(
  z.regex(TARGET_PATTERN, 'must be early, default, late or a unit name ending in .target'),
);

export const ModeSchema = z.enum(MODES);
export const ProfileSchema = z.enum(PROFILES);

/** A unit name of one of the types a package may ship. */
export const UNIT_NAME_PATTERN = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|timer|path|target)$/;
export const UnitName = z.string().check(
  z.maxLength(255),
  z.regex(UNIT_NAME_PATTERN, 'must be a unit name ending in .service, .socket, .timer, .path or .target'),
);

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CREDENTIAL_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
export const CAPABILITY_PATTERN = /^CAP_[A-Z_]+$/;
/** systemd's relaxed user-name rule is wider; this is the portable subset useradd accepts. */
export const USER_PATTERN = /^([a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})$/;

/** An absolute, normalised container path: no `.`/`..` components, no `//`, no trailing `/`. */
export const ABSOLUTE_PATH_PATTERN = /^(\/(?!\.{1,2}(\/|$))[^/\0]+)+$/;
export const AbsolutePath = z.string().check(
  z.regex(ABSOLUTE_PATH_PATTERN, 'must be an absolute path without . or .. components, // or a trailing /'),
);
