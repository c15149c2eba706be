// systemd unit files: a lossless model (parse, format, edit), lookups with systemd's semantics,
// typed values, Exec*= command lines and drop-ins. The character helpers in syntax.ts are internal.
export * from './types.ts';
export * from './parse.ts';
export * from './format.ts';
export * from './edit.ts';
export * from './lookup.ts';
export * from './words.ts';
export * from './values.ts';
export * from './command-line.ts';
export * from './dropins.ts';
