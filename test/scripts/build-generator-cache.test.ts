// The generator as built (scripts/build-generator-cache.mjs): one file, a launcher that compiles
// the bundle with V8's code cache. Whatever happens to the cache (made by another node, refused
// by V8, corrupted on disk), the generator must write exactly what the plain bundle writes:
// systemd must never see it fail because the image's node was upgraded.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGeneratorCodeCache,
  CODE_CACHE_V8_FLAGS,
  launcherSource,
  produceCodeCache,
  readLauncher,
} from '../../scripts/build-generator-cache.mjs';

const GENERATOR = join(import.meta.dirname, '../../dist/composable-generator.cjs');
let tmp: string;
let root: string;
let body: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'composable-code-cache-test-'));
  root = join(tmp, 'root');
  // Two good packages and one whose source is missing: the run writes units, drop-ins and
  // status, reports the skip and exits 1.
  const services = [];
  for (const [i, name] of ['web', 'worker'].entries()) {
    const dir = join(root, 'run/composable/store', `${name}-2.${i}`);
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/os-release'), `NAME="${name}"\nID=${name}\nVERSION_ID=2.${i}\n`);
    writeFileSync(join(dir, `usr/bin/${name}`), '#!/bin/sh\nexec sleep infinity\n');
    chmodSync(join(dir, `usr/bin/${name}`), 0o755);
    writeFileSync(
      join(dir, `usr/lib/systemd/system/${name}.service`),
      `[Service]\nExecStart=/usr/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
    );
    services.push({ name, source: `/run/composable/store/${name}-2.${i}` });
  }
  services.push({ name: 'gone', source: '/run/composable/store/gone-1' });
  writeFileSync(join(root, 'run/composable/metadata.json'), JSON.stringify({ schemaVersion: 1, services }));
  body = readLauncher(readFileSync(GENERATOR, 'utf8'), GENERATOR).body;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file the run wrote: relative path -> content, or `-> target` for a symlink. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, rel);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) files[rel] = `-> ${readlinkSync(path)}`;
    else if (st.isFile()) files[rel] = readFileSync(path, 'utf8');
  }
  return files;
}

let runs = 0;
/** Runs a generator file as systemd would (node, one output directory) and collects what it did. */
async function generate(file: string) {
  const out = join(tmp, `out-${runs++}`);
  mkdirSync(out);
  const r = await execa('node', [file, out], { reject: false, env: { COMPOSABLE_ROOT: root } });
  return {
    exitCode: r.exitCode,
    stderr: r.stderr.replace(/\[\d+\]/g, '[PID]'),
    files: tree(out),
    status: readFileSync(join(root, 'run/composable/status.json'), 'utf8'),
  };
}

/** The plain esbuild bundle, as it was before the launcher wrapped it. */
function plainFile(): string {
  const file = join(tmp, 'plain.cjs');
  writeFileSync(file, `#!/usr/bin/env node\n${body}`);
  return file;
}

function launcherFile(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

/** Whether V8, flags set as the launcher sets them, takes `cache` for the launcher's source. */
async function v8Accepts(cache: Buffer): Promise<boolean> {
  const source = join(tmp, 'probe-source.js');
  writeFileSync(source, `(function (exports, require, module, __filename, __dirname) {${body}\n})`);
  writeFileSync(join(tmp, 'probe-cache'), cache);
  const probe = `require("node:v8").setFlagsFromString(${JSON.stringify(CODE_CACHE_V8_FLAGS)});
const fs = require("node:fs");
const s = new (require("node:vm").Script)(fs.readFileSync(${JSON.stringify(source)}, "utf8"), { cachedData: fs.readFileSync(${JSON.stringify(join(tmp, 'probe-cache'))}) });
process.stdout.write(String(s.cachedDataRejected));`;
  const r = await execa('node', ['-e', probe]);
  return r.stdout === 'false';
}

describe('the generator with its code cache', () => {
  it('is built with a cache this node takes, and writes what the plain bundle writes', async () => {
    const text = readFileSync(GENERATOR, 'utf8');
    expect(text).toContain(`for node ${process.version} ${process.versions.v8} ${process.arch};`);
    expect(await v8Accepts(Buffer.from(readLauncher(text).cacheBase64, 'base64'))).toBe(true);
    const plain = await generate(plainFile());
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toContain('gone skipped');
    expect(Object.keys(plain.files)).toContain('web.service.d/zz-composable.conf');
    expect(await generate(GENERATOR)).toEqual(plain);
  });

  it('made by another node: the cache is left alone and the output is the same', async () => {
    const { cache } = produceCodeCache(body);
    const other = launcherFile('other-node.cjs', launcherSource({ body, cache, key: 'v20.0.0 11.3.244.8-node.1 x64' }));
    expect(await generate(other)).toEqual(await generate(plainFile()));
  });

  it('refused by V8 (made for other source text): the output is the same', async () => {
    // V8 checks the source's length, its own version and its flags; a cache of a longer source
    // stands for any of them.
    const { cache, key } = produceCodeCache(`${body}\n// one more line`);
    expect(await v8Accepts(cache)).toBe(false);
    const refused = launcherFile('refused.cjs', launcherSource({ body, cache, key }));
    expect(await generate(refused)).toEqual(await generate(plainFile()));
  });

  it('corrupted on disk: the checksum keeps it from V8 and the output is the same', async () => {
    const { cache, key } = produceCodeCache(body);
    const text = launcherSource({ body, cache, key });
    const b64 = readLauncher(text).cacheBase64;
    // Flip a stretch in the middle of the payload, where V8 itself checks nothing.
    const middle = Math.floor(b64.length / 2);
    const flipped = [...b64.slice(middle, middle + 64)].map((c) => (c === 'A' ? 'B' : 'A')).join('');
    const corrupt = launcherFile('corrupt.cjs', text.replace(b64, b64.slice(0, middle) + flipped + b64.slice(middle + 64)));
    expect(readLauncher(readFileSync(corrupt, 'utf8')).cacheBase64).not.toBe(b64);
    expect(await generate(corrupt)).toEqual(await generate(plainFile()));
  });

  it('an unchanged bundle rebuilds to the same bytes (the cache made once is reused)', () => {
    const keepDir = join(tmp, 'keep');
    const build = (name: string) => {
      const file = join(tmp, name);
      writeFileSync(file, `#!/usr/bin/env node\n${body}`);
      buildGeneratorCodeCache(file, { keepDir });
      return readFileSync(file, 'utf8');
    };
    const first = build('rebuild-1.cjs');
    expect(readLauncher(first).body).toBe(body);
    expect(build('rebuild-2.cjs')).toBe(first);
  });
});
