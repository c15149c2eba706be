// Gives the generator bundle V8's code cache, in the same single file (issue 15).
//
// systemd starts the generator at every boot and daemon-reload; part of its start-up is V8
// compiling the bundle, and then compiling each function on its first call. A code cache holds
// the bytecode of one run, so a later run deserialises it instead of compiling. Node 20 has no
// switch for this (module.enableCompileCache is node 22), so the file becomes a small launcher
// that hands the bundle's source and the cache to `new vm.Script(source, { cachedData })`.
//
// Robust by construction, so the generator always runs:
// - The cache is used only on the node it was made with (version, V8 version and architecture
//   compared as strings before anything else), and only when its sha256 matches: V8 checks its
//   own version and flags, but not the payload (a corrupted payload was seen accepted, and seen
//   to abort the process).
// - Otherwise, or when V8 rejects it anyway (`cachedDataRejected`), V8 compiles the source as
//   the plain bundle would. The output does not depend on the cache, only the start-up time.
// Everything stays in one file, so every install path (package.json `bin`, the nspawn and podman
// harnesses binding dist/composable-generator.cjs) works unchanged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** V8 flags set before compiling, at cache time and at run time alike: the flags are part of V8's check. */
export const CODE_CACHE_V8_FLAGS = '--no-opt';
/** The bundle runs as a CommonJS module body, so it gets the launcher's require and module. */
const WRAP_START = '(function (exports, require, module, __filename, __dirname) {';
const WRAP_END = '\n})';

/** The bundle's text without its first line (a shebang is only valid at the very start of a file). */
export function bundleBody(bundle, file = 'the generator bundle') {
  if (!bundle.startsWith('#!')) throw new Error(`${file}: expected a shebang on line 1 (scripts/build.mjs writes one)`);
  return bundle.slice(bundle.indexOf('\n') + 1);
}

/**
 * The launcher: compiles `body` with `cache` when it is for this node and intact, else without.
 * The data sits in function declarations at the end, hoisted, so the logic reads first.
 */
export function launcherSource({ body, cache, key }) {
  const sha256 = createHash('sha256').update(cache).digest('hex');
  return `#!/usr/bin/env node
// composable-generator with V8's code cache for node ${key}; built by scripts/build-generator-cache.mjs.
"use strict";
require("node:v8").setFlagsFromString(${JSON.stringify(CODE_CACHE_V8_FLAGS)});
let cachedData;
try {
  if (\`\${process.version} \${process.versions.v8} \${process.arch}\` === ${JSON.stringify(key)}) {
    const data = Buffer.from(cacheBase64(), "base64");
    if (require("node:crypto").createHash("sha256").update(data).digest("hex") === ${JSON.stringify(sha256)}) cachedData = data;
  }
} catch {
  // Without the cache the bundle is compiled as usual; the generator must run either way.
}
const script = new (require("node:vm").Script)(source(), { filename: __filename, cachedData });
script.runInThisContext()(exports, require, module, __filename, __dirname);
function source() {
  return ${JSON.stringify(WRAP_START + body + WRAP_END)};
}
function cacheBase64() {
  return ${JSON.stringify(cache.toString('base64'))};
}
`;
}

/** The bundle body and the base64 cache inside a launcher's text (tests, and to rebuild it for another node). */
export function readLauncher(text, file = 'the generator launcher') {
  const literal = (name) => {
    const m = new RegExp(`^function ${name}\\(\\) \\{\\n  return (".*");\\n\\}$`, 'm').exec(text);
    if (!m) throw new Error(`${file}: no ${name}() in it; is it a launcher written by scripts/build-generator-cache.mjs?`);
    return JSON.parse(m[1]);
  };
  const wrapped = literal('source');
  return { body: wrapped.slice(WRAP_START.length, wrapped.length - WRAP_END.length), cacheBase64: literal('cacheBase64') };
}

/** A store with two packages (a service, a timer and its service each): runs most of the generator's code. */
function writeSampleRoot(root) {
  const services = [];
  for (const [i, name] of ['alpha', 'beta'].entries()) {
    const dir = join(root, 'run/composable/store', `${name}-1.0.${i}`);
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(
      join(dir, 'usr/lib/os-release'),
      `NAME="${name}"\nID=${name}\nVERSION_ID=1.0.${i}\nCOMPOSABLE_TARGET=${i ? 'late' : 'early'}\n`,
    );
    writeFileSync(join(dir, `usr/bin/${name}`), '#!/bin/sh\nexec sleep infinity\n', { mode: 0o755 });
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}.service`),
      `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
    );
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}-tick.timer`),
      '[Timer]\nOnCalendar=hourly\n\n[Install]\nWantedBy=timers.target\n',
    );
    writeFileSync(join(dir, `usr/lib/systemd/system/${name}-tick.service`), `[Service]\nType=oneshot\nExecStart=/usr/bin/${name} --tick\n`);
    services.push({ name, source: `/run/composable/store/${name}-1.0.${i}`, environment: { INDEX: String(i) } });
  }
  writeFileSync(join(root, 'run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
}

/**
 * The code cache of `body` after one generator run on a sample store, made by `node` in a child
 * process whose V8 flags are set as the launcher sets them. `sampleRun: false` takes the cache
 * before running (the eagerly compiled functions only), for the bench. Returns the cache and the key of the node that made it.
 */
export function produceCodeCache(body, { node = process.execPath, sampleRun = true } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'composable-code-cache-'));
  try {
    writeSampleRoot(join(work, 'root'));
    mkdirSync(join(work, 'out'));
    writeFileSync(join(work, 'source.js'), WRAP_START + body + WRAP_END);
    writeFileSync(
      join(work, 'produce.cjs'),
      `"use strict";
require("node:v8").setFlagsFromString(${JSON.stringify(CODE_CACHE_V8_FLAGS)});
const fs = require("node:fs");
const script = new (require("node:vm").Script)(fs.readFileSync(${JSON.stringify(join(work, 'source.js'))}, "utf8"), { filename: "composable-generator" });
process.argv = [process.argv[0], "composable-generator", ${JSON.stringify(join(work, 'out'))}];
${sampleRun ? '' : '// '}script.runInThisContext()(exports, require, module, __filename, __dirname);
fs.writeFileSync(${JSON.stringify(join(work, 'cache'))}, script.createCachedData());
fs.writeFileSync(${JSON.stringify(join(work, 'key'))}, \`\${process.version} \${process.versions.v8} \${process.arch}\`);
`,
    );
    execFileSync(node, [join(work, 'produce.cjs')], {
      env: { ...process.env, COMPOSABLE_ROOT: join(work, 'root') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return { cache: readFileSync(join(work, 'cache')), key: readFileSync(join(work, 'key'), 'utf8') };
  } catch (e) {
    throw new Error(`build-generator-cache: the sample run failed; the plain bundle is not fit to ship either: ${e.stderr ?? e.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Rewrites `file` (the esbuild bundle) as the launcher with its code cache, for `opts.node`
 * (default: this node).
 * V8's cache differs from run to run for the same source (the string hash seed is random per
 * process, and fixing it changes V8's flag hash), so a cache made once for a body, node and flags
 * is kept in `opts.keepDir` and reused: an unchanged bundle rebuilds to the same bytes, and the
 * podman harness, which keys its image on the generator's digest, reuses its image.
 */
export function buildGeneratorCodeCache(
  file = 'dist/composable-generator.cjs',
  { node = process.execPath, keepDir = '.tmp/generator-code-cache' } = {},
) {
  const body = bundleBody(readFileSync(file, 'utf8'), file);
  const nodeKey = execFileSync(node, ['-p', 'process.version + " " + process.versions.v8 + " " + process.arch'], {
    encoding: 'utf8',
  }).trim();
  const kept = join(keepDir, `${createHash('sha256').update(`${nodeKey}\n${CODE_CACHE_V8_FLAGS}\n${body}`).digest('hex')}.bin`);
  let made;
  try {
    made = { cache: readFileSync(kept), key: nodeKey };
  } catch {
    made = produceCodeCache(body, { node });
    mkdirSync(keepDir, { recursive: true });
    writeFileSync(kept, made.cache);
  }
  writeFileSync(file, launcherSource({ body, ...made }));
  chmodSync(file, 0o755);
}
