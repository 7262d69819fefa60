// What a marketplace listing and the platform packages need from the manifest and the repository, and the
// native-file header reader the package checks rely on (test/ui/release.test.ts opens the packages themselves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TARGETS, hostTarget, nativeFormat, readHeader } from '../../../scripts/platforms.mjs';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

test('the manifest has what a marketplace listing needs', () => {
  for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon', 'repository', 'bugs', 'homepage', 'galleryBanner']) {
    assert.ok(manifest[field], `package.json lacks ${field}`);
  }
  assert.deepEqual(manifest.extensionKind, ['workspace'], 'it reads workspace files and starts processes: it runs where the files are');
  assert.ok((manifest.categories as string[]).length > 0 && (manifest.keywords as string[]).length <= 30);
  assert.ok(existsSync(path.join(root, 'CHANGELOG.md')) && existsSync(path.join(root, 'LICENSE')));
  assert.match(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), new RegExp(`## ${String(manifest.version).replace(/\./g, '\\.')}\\b`));
});

test('the icon is a 128×128 PNG', () => {
  const png = readFileSync(path.join(root, String(manifest.icon)));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

test('the package scripts are wired: per target, the CLI and the release', () => {
  const scripts = manifest.scripts as Record<string, string>;
  assert.match(scripts.package ?? '', /scripts\/package\.mjs/);
  assert.match(scripts['package:cli'] ?? '', /scripts\/package-cli\.mjs/);
  assert.match(scripts.release ?? '', /scripts\/release\.mjs/);
});

/** A minimal header: the bytes nativeFormat reads, zero elsewhere. */
function header(write: (bytes: Buffer) => void): Buffer {
  const bytes = Buffer.alloc(512);
  write(bytes);
  return bytes;
}

test('nativeFormat reads ELF, Mach-O (thin and universal) and PE headers', () => {
  const elf = (machine: number) =>
    header((b) => {
      b.writeUInt32BE(0x7f454c46, 0);
      b[4] = 2; // 64-bit
      b[5] = 1; // little-endian
      b.writeUInt16LE(machine, 18);
    });
  assert.deepEqual(nativeFormat(elf(62)), { format: 'elf', machines: [62] });
  assert.deepEqual(nativeFormat(elf(183)), { format: 'elf', machines: [183] });
  const thin = header((b) => {
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(0x0100000c, 4);
  });
  assert.deepEqual(nativeFormat(thin), { format: 'macho', machines: [0x0100000c] });
  const universal = header((b) => {
    b.writeUInt32BE(0xcafebabe, 0);
    b.writeUInt32BE(2, 4);
    b.writeUInt32BE(0x01000007, 8);
    b.writeUInt32BE(0x0100000c, 28);
  });
  assert.deepEqual(nativeFormat(universal), { format: 'macho', machines: [0x01000007, 0x0100000c] });
  const pe = header((b) => {
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.writeUInt32BE(0x50450000, 0x80);
    b.writeUInt16LE(0xaa64, 0x84);
  });
  assert.deepEqual(nativeFormat(pe), { format: 'pe', machines: [0xaa64] });
  assert.equal(nativeFormat(Buffer.from('#!/usr/bin/env node\n')), undefined);
});

test("this machine's installed DuckDB binding has its target's format and CPU", (t) => {
  const target = hostTarget();
  if (target === undefined) return t.skip(`no package is made for ${process.platform}-${process.arch}`);
  const spec = TARGETS[target];
  const folder = path.join(root, 'node_modules', '@duckdb', `node-bindings-${spec.duckdb}`);
  for (const file of ['duckdb.node', spec.library]) {
    const found = nativeFormat(readHeader(path.join(folder, file)));
    assert.equal(found?.format, spec.format, file);
    assert.ok(found?.machines.includes(spec.machine), `${file}: ${JSON.stringify(found)}`);
  }
});
