// Many entries: directory listings are iterated and capped, the whole tree is capped.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { expectIsolated, generate, goodPackage, sandbox, writeFiles, writeMetadata, type Sandbox } from './harness.ts';

let sb: Sandbox;
afterEach(() => sb?.dispose());
const ZERO = `sha256:${'0'.repeat(64)}`;

describe('hostile: many entries (limits lowered to keep the test quick)', () => {
  it('a unit directory with more entries than allowed: too-many-entries', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    for (let i = 0; i < 300; i++) writeFileSync(join(bad, `usr/lib/systemd/system/bad-${i}.timer`), '[Timer]\nOnCalendar=daily\n');
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    expectIsolated(sb, generate(sb, { limits: { entries: 200 } }), 'good', 'bad', 'too-many-entries');
  });

  it('a tree with more entries than allowed, digest asked for: too-many-entries', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) for (let j = 0; j < 5; j++) files[`usr/share/d${i}/f${j}`] = '';
    writeFiles(bad, files);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad', digest: ZERO }]);
    expectIsolated(sb, generate(sb, { limits: { entries: 500 } }), 'good', 'bad', 'too-many-entries');
  });

  it('a drop-in directory with too many entries', () => {
    sb = sandbox();
    goodPackage(sb, 'good');
    const bad = goodPackage(sb, 'bad');
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`usr/lib/systemd/system/bad.service.d/${i}.conf`] = '[Service]\n';
    writeFiles(bad, files);
    writeMetadata(sb, [{ name: 'good' }, { name: 'bad' }]);
    expectIsolated(sb, generate(sb, { limits: { entries: 100 } }), 'good', 'bad', 'too-many-entries');
  });
});
