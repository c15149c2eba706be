// Packages as OCI images: composable pack --format oci|oci-archive, and reading them back in
// composable lint and composable inspect. The image-spec checks are done here on the bytes; the
// engines' own checks (skopeo, podman) run when those are installed.
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ANNOTATION_DIGEST, MEDIA_TYPE_LAYER_GZIP, OciError, packOci, type OciFormat } from '../../../sdk/artifact/oci-pack.ts';
import { writeTar } from '../../../sdk/artifact/tar.ts';
import { buildOciImage, ociRefName } from '../../../sdk/artifact/oci-pack.ts';
import { packageDigest, walkTree } from '../../../sdk/digest.ts';
import { lint } from '../../../lint/engine.ts';
import { classifyInput, LintInputError } from '../../../lint/inputs/index.ts';
import { extractOciPackage, listTar, bufferSource, OciReadError } from '../../../sdk/artifact/oci-read.ts';
import { inspectPath } from '../../../cli/commands/inspect.ts';
import { hasCommand, inCI, type Requirement } from '../../helpers/requirements.ts';

const EXAMPLE = join(import.meta.dirname, '../../../examples/logship');
const work = mkdtempSync(join(tmpdir(), 'composable-oci-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
function copyExample(): string {
  const dir = join(work, `pkg-${counter++}`);
  // The package alone: the example's README.md lies beside it and pack leaves it out
  // (test/sdk/artifact/pack-selection.test.ts), so the directory's digest is the artifact's.
  cpSync(join(EXAMPLE, 'usr'), join(dir, 'usr'), { recursive: true });
  symlinkSync('logship', join(dir, 'usr/bin/logship-alias'));
  return dir;
}

function pack(dir: string, format: OciFormat, opts: { mtime?: number; name?: string } = {}): ReturnType<typeof packOci> & { out: string } {
  const out = join(work, `img-${counter++}${format === 'oci' ? '.oci' : '.oci.tar'}`);
  const r = packOci(dir, out, format, {
    name: opts.name ?? 'logship',
    version: '1.4.2',
    architecture: 'amd64',
    description: 'logship test',
    mtime: opts.mtime,
  });
  return { ...r, out };
}

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blob = (layout: string, digest: string): Buffer => readFileSync(join(layout, 'blobs/sha256', digest.slice(7)));
// biome-ignore lint/suspicious/noExplicitAny: the manifests under test are read field by field
const json = (b: Buffer): any => JSON.parse(b.toString('utf8'));

describe('composable pack --format oci', () => {
  it('gives the same manifest digest and the same archive bytes for the same tree, whatever the mtimes', () => {
    const dir = copyExample();
    const a = pack(dir, 'oci-archive');
    utimesSync(join(dir, 'usr/bin/logship'), new Date(), new Date(2001, 1, 1));
    utimesSync(join(dir, 'usr/lib'), new Date(), new Date(2011, 1, 1));
    const b = pack(dir, 'oci-archive');
    const c = pack(dir, 'oci');
    expect(b.manifestDigest).toBe(a.manifestDigest);
    expect(c.manifestDigest).toBe(a.manifestDigest);
    expect(readFileSync(b.out).equals(readFileSync(a.out))).toBe(true);
    expect(readFileSync(`${a.out}.sha256`, 'utf8')).toBe(`${a.sha256}  ${a.out.split('/').pop()}\n`);
    // A changed file changes it.
    writeFileSync(join(dir, 'usr/lib/os-release'), `${readFileSync(join(dir, 'usr/lib/os-release'), 'utf8')}# changed\n`);
    expect(pack(dir, 'oci').manifestDigest).not.toBe(a.manifestDigest);
  });

  it('writes a valid image layout: one gzip layer with the tree at the image root, diff_ids, platform, annotations', () => {
    const dir = copyExample();
    const r = pack(dir, 'oci');
    expect(json(readFileSync(join(r.out, 'oci-layout')))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = json(readFileSync(join(r.out, 'index.json')));
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].digest).toBe(r.manifestDigest);
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('composable/logship:1.4.2');
    const manifestBytes = blob(r.out, r.manifestDigest);
    expect(sha256(manifestBytes)).toBe(r.manifestDigest);
    const manifest = json(manifestBytes);
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe(MEDIA_TYPE_LAYER_GZIP);
    const layer = blob(r.out, manifest.layers[0].digest);
    expect(layer.length).toBe(manifest.layers[0].size);
    const config = json(blob(r.out, manifest.config.digest));
    const tar = gunzipSync(layer);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [sha256(tar)] });
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux' });
    // Reproducible: no wall-clock time anywhere without SOURCE_DATE_EPOCH.
    expect(config.created).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('created');
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.title': 'logship',
      'org.opencontainers.image.version': '1.4.2',
      'org.opencontainers.image.description': 'logship test',
      'io.composable.name': 'logship',
      'io.composable.digest': packageDigest(dir),
    });
    expect(config.config.Labels).toEqual(manifest.annotations);
    // The layer is the package tree itself, at the image root.
    const paths = listTar(bufferSource(tar), 1000).map((m) => m.path);
    expect(paths).toContain('usr/lib/os-release');
    expect(paths).toContain('usr/lib/systemd/system/logship.service');
    expect(paths.every((p) => !p.startsWith('/') && !p.startsWith('./'))).toBe(true);
    expect(readdirSync(join(r.out, 'blobs/sha256')).sort()).toEqual(
      [manifest.config.digest, manifest.layers[0].digest, r.manifestDigest].map((d: string) => d.slice(7)).sort(),
    );
  });

  it('names the image composable/<name>:<version> as a reference registries and podman accept, whatever the package name', () => {
    const reference =
      /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
    expect(ociRefName('logship', '1.4.2')).toBe('composable/logship:1.4.2');
    for (const [name, version] of [
      ['My_Pkg:x', '1.0+b1~rc'],
      ['a..b', '.9'],
      ['-x-', '~1'],
      ['Z', 'v'.repeat(200)],
    ] as const) {
      expect(ociRefName(name, version)).toMatch(reference);
    }
    expect(ociRefName('My_Pkg:x', '1.0+b1~rc')).toBe('composable/my-pkg-x:1.0_b1_rc');
  });

  it('with SOURCE_DATE_EPOCH records that time as the creation time, and only that', () => {
    const r = pack(copyExample(), 'oci', { mtime: 1700000000 });
    const manifest = json(blob(r.out, r.manifestDigest));
    expect(manifest.annotations['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20Z');
    expect(json(blob(r.out, manifest.config.digest)).created).toBe('2023-11-14T22:13:20Z');
  });

  it('refuses a file an engine would take for a whiteout, and never replaces a directory that is not an image', () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'usr/lib/.wh.secret'), 'x');
    expect(() => pack(dir, 'oci')).toThrow(/usr\/lib\/\.wh\.secret: names starting with "\.wh\." are whiteouts/);
    const clean = copyExample();
    const victim = join(work, 'not-an-image');
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious'), 'x');
    expect(() => packOci(clean, victim, 'oci', { name: 'logship', version: '1.4.2', architecture: 'amd64' })).toThrow(OciError);
    expect(readFileSync(join(victim, 'precious'), 'utf8')).toBe('x');
    // Re-packing over an earlier layout replaces it.
    const first = pack(clean, 'oci');
    expect(
      packOci(clean, first.out, 'oci', { name: 'logship', version: '1.4.2', architecture: 'amd64', description: 'logship test' })
        .manifestDigest,
    ).toBe(first.manifestDigest);
  });
});

/** An image layout (every digest right) holding `layerTar` as its layer. */
function forge(layerTar: Buffer, treeDigest = `sha256:${'0'.repeat(64)}`): string {
  const image = buildOciImage(layerTar, { name: 'logship', version: '1.4.2', architecture: 'amd64', treeDigest });
  const dir = join(work, `forged-${counter++}`);
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), image.index);
  for (const b of image.blobs) writeFileSync(join(dir, 'blobs/sha256', b.digest.slice(7)), b.bytes);
  return dir;
}

describe('reading OCI package images (lint, inspect)', () => {
  it('unpacks both forms to the tree that was packed, modes and symlinks kept', async () => {
    const dir = copyExample();
    for (const format of ['oci', 'oci-archive'] as const) {
      const r = pack(dir, format);
      expect(classifyInput(r.out).kind).toBe('oci');
      const x = await extractOciPackage(r.out);
      try {
        expect(x.treeDigest).toBe(packageDigest(dir));
        expect(x.image.manifestDigest).toBe(r.manifestDigest);
        expect(x.image.annotations[ANNOTATION_DIGEST]).toBe(packageDigest(dir));
      } finally {
        x.dispose();
      }
    }
  });

  it('reads an image through a symlink the user gives, not through one inside it', async () => {
    const r = pack(copyExample(), 'oci-archive');
    const link = join(work, `latest-${counter++}.oci.tar`);
    symlinkSync(r.out, link);
    expect(classifyInput(link).kind).toBe('oci');
    const x = await extractOciPackage(link);
    x.dispose();
    expect(x.image.manifestDigest).toBe(r.manifestDigest);
  });

  it('composable lint reports findings inside an image by their path in it', async () => {
    const dir = copyExample();
    // A unit file not named after the package: an error `composable pack` would refuse, so the
    // image is made with the SDK directly.
    writeFileSync(join(dir, 'usr/lib/systemd/system/rotate.timer'), '[Timer]\nOnCalendar=daily\n');
    const r = pack(dir, 'oci-archive');
    const result = await lint([r.out]);
    const files = result.diagnostics.map((d) => d.file);
    expect(files).toContain(`${r.out}!/usr/lib/systemd/system/rotate.timer`);
    expect(result.errorCount).toBeGreaterThan(0);
    const clean = await lint([pack(copyExample(), 'oci').out]);
    expect(clean.errorCount).toBe(0);
  });

  it('composable inspect shows the package and the image: manifest digest, platform, annotations', async () => {
    const dir = copyExample();
    const r = pack(dir, 'oci-archive');
    const i = await inspectPath(r.out);
    expect(i).toMatchObject({ name: 'logship', version: '1.4.2', digest: packageDigest(dir) });
    expect(i.oci).toMatchObject({ manifestDigest: r.manifestDigest, architecture: 'amd64', os: 'linux' });
    expect(i.artifactSha256).toBe(`sha256:${r.sha256}`);
  });

  it('refuses an altered blob, naming the image and the digest', async () => {
    const r = pack(copyExample(), 'oci');
    const manifest = json(blob(r.out, r.manifestDigest));
    const layerPath = join(r.out, 'blobs/sha256', manifest.layers[0].digest.slice(7));
    const layer = readFileSync(layerPath);
    layer[layer.length - 5] ^= 0xff;
    chmodSync(layerPath, 0o644);
    writeFileSync(layerPath, layer);
    await expect(extractOciPackage(r.out)).rejects.toThrow(
      new RegExp(`layer ${manifest.layers[0].digest}: its content does not match its digest`),
    );
    await expect(lint([r.out])).rejects.toThrow(LintInputError);
  });

  it('refuses a layout that uses a symlink, and an annotation that does not match the tree', async () => {
    const r = pack(copyExample(), 'oci');
    const manifest = json(blob(r.out, r.manifestDigest));
    const config = join(r.out, 'blobs/sha256', manifest.config.digest.slice(7));
    const moved = join(work, `moved-${counter++}`);
    cpSync(config, moved);
    rmSync(config);
    symlinkSync(moved, config);
    await expect(extractOciPackage(r.out)).rejects.toThrow(/is a symlink; refused/);

    // A consistent image (every digest right) whose io.composable.digest names another tree.
    const dir = copyExample();
    const forged = forge(writeTar(dir, walkTree(dir)), `sha256:${'0'.repeat(64)}`);
    await expect(extractOciPackage(forged)).rejects.toThrow(/io\.composable\.digest annotation says sha256:0{64}; the image was altered/);
  });

  it('unpacks a layer without leaving the root, following a symlink, or trusting a size', async () => {
    const unsafe = (entries: { name: string; type?: string; body?: string; link?: string }[]): Buffer => {
      const parts: Buffer[] = [];
      for (const e of entries) {
        const h = Buffer.alloc(512);
        const body = Buffer.from(e.body ?? '');
        h.write(e.name, 0);
        h.write('0000644\0', 100);
        h.write('0000000\0', 108);
        h.write('0000000\0', 116);
        h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
        h.write('00000000000\0', 136);
        h.write(e.type ?? '0', 156);
        if (e.link) h.write(e.link, 157);
        h.write('ustar\0', 257);
        h.write('00', 263);
        h.write('        ', 148);
        let sum = 0;
        for (const b of h) sum += b;
        h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
        parts.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
      }
      parts.push(Buffer.alloc(1024));
      return Buffer.concat(parts);
    };
    const refused = async (layer: Buffer, message: RegExp): Promise<void> => {
      await expect(extractOciPackage(forge(layer))).rejects.toThrow(message);
    };
    await refused(unsafe([{ name: '../escape', body: 'x' }]), /\(layer\): member "\.\.\/escape" climbs out with \.\./);
    const outside = mkdtempSync(join(work, 'outside-'));
    await refused(
      unsafe([
        { name: 'usr', type: '2', link: outside },
        { name: 'usr/owned', body: 'x' },
      ]),
      /member "usr\/owned" goes through the symbolic link usr/,
    );
    expect(readdirSync(outside)).toEqual([]);
    await refused(unsafe([{ name: 'usr/.wh.bin', body: '' }]), /layer entry "usr\/.wh.bin" is a whiteout/);
    // A layer whose header claims more bytes than there are.
    await refused(
      unsafe([{ name: 'big', body: 'x'.repeat(600) }]).subarray(0, 1024),
      /\(layer\) ends in the middle of a member; the archive is truncated/,
    );
    // The same in an oci-archive's own headers.
    expect(() => listTar(bufferSource(unsafe([{ name: 'big', body: 'x'.repeat(600) }]).subarray(0, 1024)), 10)).toThrow(
      /claims 600 bytes, more than the file holds/,
    );
    expect(() => listTar(bufferSource(Buffer.alloc(512, 7)), 10)).toThrow(OciReadError);
  });
});

describe('composable pack --format oci on the command line', () => {
  const cli = (args: string[], cwd = work) =>
    execa(join(import.meta.dirname, '../../../node_modules/.bin/tsx'), [join(import.meta.dirname, '../../../cli/main.ts'), ...args], {
      reject: false,
      cwd,
      timeout: 60_000,
      env: { NO_COLOR: '1' },
    });

  it('lints, writes <name>-<version>.oci.tar with its .sha256, and lint and inspect take the result', async () => {
    const dir = copyExample();
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const r = await cli(['pack', dir, '--format', 'oci-archive'], cwd);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = join(cwd, 'logship-1.4.2.oci.tar');
    expect(r.stdout).toContain(out);
    expect(r.stdout).toMatch(/manifest sha256:[0-9a-f]{64}/);
    expect(r.stdout).toContain(`package  ${packageDigest(dir)}`);
    expect(readFileSync(`${out}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}logship-1\.4\.2\.oci\.tar\n$/);
    const layout = await cli(['pack', dir, '--format', 'oci'], cwd);
    expect(layout.exitCode, layout.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'logship-1.4.2.oci')).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
    // -o naming the layout packs it again in place; -o naming another directory writes into it.
    const again = await cli(['pack', dir, '--format', 'oci', '-o', join(cwd, 'logship-1.4.2.oci')], cwd);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'logship-1.4.2.oci')).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
    const into = await cli(['pack', dir, '--format', 'oci', '-o', `${join(cwd, 'out')}/`], cwd);
    expect(into.exitCode, into.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'out'))).toEqual(['logship-1.4.2.oci']);
    const l = await cli(['lint', out, join(cwd, 'logship-1.4.2.oci')]);
    expect(l.exitCode, l.stdout + l.stderr).toBe(0);
    for (const path of [out, join(cwd, 'logship-1.4.2.oci')]) {
      const i = await cli(['inspect', path]);
      expect(i.exitCode, i.stderr).toBe(0);
      expect(i.stdout).toContain(`io.composable.digest=${packageDigest(dir)}`);
    }
  }, 180_000);

  it("declares the architecture of the package's ELF binaries, and refuses a package with two", async () => {
    const dir = copyExample();
    const elf = readFileSync('/bin/true');
    writeFileSync(join(dir, 'usr/bin/native'), elf, { mode: 0o755 });
    const native = await cli(['pack', dir, '--format', 'oci', '-o', join(work, `arch-${counter++}.oci`)]);
    expect(native.exitCode, native.stderr).toBe(0);
    expect(native.stdout).toContain(process.arch === 'x64' ? 'amd64' : process.arch);
    const foreign = Buffer.from(elf);
    foreign.writeUInt16LE(foreign.readUInt16LE(18) === 62 ? 183 : 62, 18); // e_machine: x86-64 <-> AArch64
    writeFileSync(join(dir, 'usr/bin/foreign'), foreign, { mode: 0o755 });
    const mixed = await cli(['pack', dir, '--format', 'oci', '-o', join(work, `arch-${counter++}.oci`)]);
    expect(mixed.exitCode).toBe(1);
    expect(mixed.stderr).toMatch(
      /binaries for more than one architecture: usr\/bin\/foreign \((arm64|amd64)\), usr\/bin\/native \((amd64|arm64)\); an OCI image has one/,
    );
    const forced = await cli(['pack', dir, '--format', 'oci', '--arch', 'arm64', '-o', join(work, `arch-${counter++}.oci`)]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('arm64');
    const wrong = await cli(['pack', dir, '--format', 'oci', '--arch', 'x86_64', '-o', join(work, `arch-${counter++}.oci`)]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('--arch x86_64: not an OCI architecture; use one of 386, amd64,');
  }, 180_000);
});

// What the engines themselves say. Reads and loads images only; no container is started.
const skopeo: Requirement = { name: 'skopeo (apt install skopeo)', present: () => hasCommand('skopeo') };
const podman: Requirement = { name: 'podman (apt install podman)', present: () => hasCommand('podman') };
function missing(reqs: Requirement[], suite: string): boolean {
  const absent = reqs.filter((r) => !r.present()).map((r) => r.name);
  if (absent.length === 0) return false;
  if (inCI()) throw new Error(`${suite} must run under CI=true but needs: ${absent.join(', ')}`);
  console.warn(`skipping ${suite}: needs ${absent.join(', ')}`);
  return true;
}

describe.skipIf(missing([skopeo], 'OCI images with skopeo'))('OCI images with skopeo', () => {
  it('skopeo reads the layout with the same digest and labels, and copies it unchanged', async () => {
    const r = pack(copyExample(), 'oci');
    const info = JSON.parse((await execa('skopeo', ['inspect', `oci:${r.out}`], { timeout: 60_000 })).stdout);
    expect(info.Digest).toBe(r.manifestDigest);
    expect(info.Labels['io.composable.digest']).toBe(r.treeDigest);
    expect(info).toMatchObject({ Architecture: 'amd64', Os: 'linux' });
    const copy = join(work, `copy-${counter++}`);
    await execa('skopeo', ['copy', '--quiet', `oci:${r.out}`, `oci:${copy}:1.4.2`], { timeout: 60_000 });
    const copied = (await execa('skopeo', ['inspect', '--raw', `oci:${copy}:1.4.2`], { timeout: 60_000 })).stdout;
    expect(sha256(Buffer.from(copied))).toBe(r.manifestDigest);
    const fromArchive = JSON.parse(
      (await execa('skopeo', ['inspect', `oci-archive:${pack(copyExample(), 'oci-archive').out}`], { timeout: 60_000 })).stdout,
    );
    expect(fromArchive.Digest).toBe(r.manifestDigest);
  });
});

const registry: Requirement = { name: 'docker-registry (apt install docker-registry)', present: () => hasCommand('docker-registry') };

describe.skipIf(missing([skopeo, registry], 'OCI images in a registry'))('OCI images in a registry', () => {
  it('skopeo pushes the layout to a registry and the registry serves the same manifest digest', async () => {
    const port = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const root = mkdtempSync(join(work, 'registry-'));
    const config = join(root, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    const server = execa('docker-registry', ['serve', config], { reject: false, timeout: 120_000 });
    try {
      const r = pack(copyExample(), 'oci');
      const target = `docker://127.0.0.1:${port}/composable/logship:1.4.2`;
      // The registry needs a moment to listen; skopeo retries.
      await execa('skopeo', ['copy', '--quiet', '--retry-times', '10', '--dest-tls-verify=false', `oci:${r.out}`, target], {
        timeout: 60_000,
      });
      const raw = (await execa('skopeo', ['inspect', '--raw', '--tls-verify=false', target], { timeout: 60_000 })).stdout;
      expect(sha256(Buffer.from(raw))).toBe(r.manifestDigest);
      const info = JSON.parse((await execa('skopeo', ['inspect', '--tls-verify=false', target], { timeout: 60_000 })).stdout);
      expect(info.Digest).toBe(r.manifestDigest);
      expect(info.Labels['io.composable.digest']).toBe(r.treeDigest);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  }, 120_000);
});

describe.skipIf(missing([podman], 'OCI images with podman'))('OCI images with podman', () => {
  it('podman load and podman pull oci-archive: accept the archive, named composable/<name>:<version>, labels shown', async () => {
    // A name of its own, so the podman store other tests share is left as it was.
    const name = `ocitest${process.pid}x${Date.now() % 100000}`;
    const dir = copyExample();
    const osRelease = join(dir, 'usr/lib/os-release');
    writeFileSync(osRelease, readFileSync(osRelease, 'utf8').replace(/^ID=.*$/m, `ID=${name}`));
    const r = pack(dir, 'oci-archive', { name });
    const ref = `localhost/composable/${name}:1.4.2`;
    try {
      const loaded = await execa('podman', ['load', '-q', '-i', r.out], { timeout: 120_000 });
      expect(loaded.stdout).toContain(ref);
      const [img] = JSON.parse((await execa('podman', ['image', 'inspect', ref], { timeout: 60_000 })).stdout);
      expect(img.Digest).toBe(r.manifestDigest);
      expect(img.Labels).toMatchObject({
        'io.composable.name': name,
        'io.composable.digest': r.treeDigest,
        'org.opencontainers.image.version': '1.4.2',
      });
      expect(img.Annotations).toMatchObject({ 'io.composable.digest': r.treeDigest });
      await execa('podman', ['rmi', ref], { timeout: 60_000 });
      await execa('podman', ['pull', '-q', `oci-archive:${r.out}`], { timeout: 120_000 });
      const [pulled] = JSON.parse((await execa('podman', ['image', 'inspect', ref], { timeout: 60_000 })).stdout);
      expect(pulled.Digest).toBe(r.manifestDigest);
    } finally {
      await execa('podman', ['rmi', '--ignore', ref], { reject: false, timeout: 60_000 });
    }
  });
});
