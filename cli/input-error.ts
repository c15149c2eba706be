// The one shape every command gives a path it cannot read (issue 25), and the exit codes:
// `composable: cannot read PATH: no such file or directory`, exit code 2, whatever the command.
// Commands check the paths they are given with the functions here before they start, and throw
// InputError; cli/program.ts prints it and sets the exit code (reportError), so no command prints
// its own variant. docs/cli.md, "Exit codes and errors", is the user's side of this file.
import { closeSync, constants, openSync, opendirSync, statSync, type Stats } from 'node:fs';

/** Exit codes of every command: clean, findings or a failure, usage or input error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A problem with what the user gave (a path, an option's value), not with what it holds: exit 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Error codes as coreutils prints them (`ls: cannot access 'x': No such file or directory`),
 * lowercase: the C library's strerror text, which users know, rather than libuv's ("illegal
 * operation on a directory" for EISDIR).
 */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  EBUSY: 'device or resource busy',
  EINVAL: 'invalid argument',
  EOVERFLOW: 'value too large for defined data type',
};

/** The reason of a file system error in strerror's words; an unknown code is given as it is. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && Object.hasOwn(REASONS, code)) return REASONS[code]!;
  // libuv's text is `CODE: text, syscall 'path'`: the text alone, lowercase as it already is.
  const message = error instanceof Error ? error.message : String(error);
  return /^E[A-Z0-9]+: ([^,]+)/.exec(message)?.[1] ?? code ?? message;
}

/** `cannot read PATH: REASON` for a path the user gave and a file system error on it. */
export function cannotRead(path: string, error: unknown): InputError {
  return new InputError(`cannot read ${path}: ${fsReason(error)}`);
}

function errnoError(code: keyof typeof REASONS): NodeJS.ErrnoException {
  return Object.assign(new Error(REASONS[code]), { code });
}

function stat(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
}

/**
 * A path the user gave that must exist and be readable: a directory that can be listed or a file
 * that can be opened for reading. Returns its stat; throws InputError otherwise. (As root a mode
 * does not stop a read, so only the other errors are seen then.)
 */
export function readablePath(path: string): Stats {
  const st = stat(path);
  try {
    if (st.isDirectory()) opendirSync(path).closeSync();
    // Non-blocking, so a FIFO given by mistake is not waited on.
    else closeSync(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY));
  } catch (e) {
    throw cannotRead(path, e);
  }
  return st;
}

/** A directory the user gave (a package, a container root): listable, else InputError. */
export function readableDirectory(path: string): Stats {
  const st = readablePath(path);
  if (!st.isDirectory()) throw cannotRead(path, errnoError('ENOTDIR'));
  return st;
}

/** A file the user gave (metadata, a configuration file): readable and not a directory, else InputError. */
export function readableFile(path: string): Stats {
  const st = readablePath(path);
  if (st.isDirectory()) throw cannotRead(path, errnoError('EISDIR'));
  return st;
}

/** A Node file system error that names its path (`ENOENT ... stat 'x'`). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  const errno = error as NodeJS.ErrnoException;
  return error instanceof Error && typeof errno.code === 'string' && typeof errno.path === 'string';
}

/** Syscalls that only look at a path: an error there is the path not being readable. */
const LOOKING = new Set(['stat', 'lstat', 'access', 'scandir', 'opendir', 'readlink', 'realpath']);

/**
 * What the top level does with an error a command threw; returns the exit code. An InputError is
 * `composable: MESSAGE`. A file system error that escaped a command keeps the one shape where it
 * can (`cannot read PATH: REASON` when the path was only looked at, `PATH: REASON` otherwise)
 * rather than libuv's `ENOENT: no such file or directory, stat 'PATH'`. Anything else is printed
 * by its message, as composable always did. All exit 2: composable did not get to do its job.
 */
export function reportError(error: unknown, write: (text: string) => void = (t) => void process.stderr.write(t)): number {
  let message: string;
  if (error instanceof InputError) message = error.message;
  else if (isFileSystemError(error))
    message = LOOKING.has(error.syscall ?? '') ? cannotRead(error.path, error).message : `${error.path}: ${fsReason(error)}`;
  else message = error instanceof Error ? error.message : String(error);
  write(`composable: ${message}\n`);
  return EXIT.usage;
}
