// The platforms the extension is packaged for (VS Code's `vsce package --target`), where each one's DuckDB
// binding comes from, and how to tell which platform a native file was built for from its header bytes.
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * VS Code target → the `@duckdb/node-bindings-<platform>` package, onnxruntime-node's binary folder (the embed step's
 * runtime; undefined where it publishes none), the native files DuckDB must hold and their format.
 * `machine` is the ELF e_machine, the Mach-O cputype or the PE machine of the target's CPU.
 */
export const TARGETS = {
  'linux-x64': { duckdb: 'linux-x64', onnxruntime: 'linux/x64', format: 'elf', machine: 62, library: 'libduckdb.so' },
  'linux-arm64': { duckdb: 'linux-arm64', onnxruntime: 'linux/arm64', format: 'elf', machine: 183, library: 'libduckdb.so' },
  // onnxruntime-node publishes no macOS Intel build: there the embed step says the runtime is missing.
  'darwin-x64': { duckdb: 'darwin-x64', onnxruntime: undefined, format: 'macho', machine: 0x01000007, library: 'libduckdb.dylib' },
  'darwin-arm64': { duckdb: 'darwin-arm64', onnxruntime: 'darwin/arm64', format: 'macho', machine: 0x0100000c, library: 'libduckdb.dylib' },
  'win32-x64': { duckdb: 'win32-x64', onnxruntime: 'win32/x64', format: 'pe', machine: 0x8664, library: 'duckdb.dll' },
  'win32-arm64': { duckdb: 'win32-arm64', onnxruntime: 'win32/arm64', format: 'pe', machine: 0xaa64, library: 'duckdb.dll' },
};

/**
 * Largest .vsix each target may make, in MiB: DuckDB's macOS library is a universal binary, and onnxruntime's native
 * library (16–30 MiB compressed) ships on every target but macOS Intel.
 */
export const SIZE_BUDGET_MB = { 'linux-x64': 55, 'linux-arm64': 45, 'darwin-x64': 50, 'darwin-arm64': 75, 'win32-x64': 55, 'win32-arm64': 55 };

/** The target of the machine this runs on, or undefined where no DuckDB binding is packaged for it. */
export function hostTarget() {
  const target = `${process.platform}-${process.arch}`;
  return target in TARGETS ? target : undefined;
}

/** The pinned version of DuckDB's bindings: the one installed beside @duckdb/node-api. */
export function duckdbBindingsVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules/@duckdb/node-bindings/package.json'), 'utf8')).version;
}

/**
 * The folder of `@duckdb/node-bindings-<platform>` for a target: the installed one for this machine's target, else
 * the registry's package of the pinned version, fetched once with `npm pack` into .vscode-test/platform-bindings/.
 */
export function duckdbBindingFolder(root, target) {
  const spec = TARGETS[target];
  if (!spec) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
  const name = `@duckdb/node-bindings-${spec.duckdb}`;
  const installed = join(root, 'node_modules', name);
  const version = duckdbBindingsVersion(root);
  if (existsSync(join(installed, 'duckdb.node')) && JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === version) {
    return installed;
  }
  const cache = join(root, '.vscode-test/platform-bindings');
  const folder = join(cache, `${spec.duckdb}-${version}`);
  if (existsSync(join(folder, 'duckdb.node'))) return folder;
  mkdirSync(cache, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = execFileSync(npm, ['pack', '--silent', `${name}@${version}`, '--pack-destination', cache], {
    cwd: cache,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  })
    .trim()
    .split('\n')
    .pop();
  const unpacked = join(cache, `${spec.duckdb}-${version}.partial`);
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', join(cache, packed), '-C', unpacked]);
  rmSync(join(cache, packed));
  renameSync(join(unpacked, 'package'), folder);
  rmSync(unpacked, { recursive: true, force: true });
  return folder;
}

/**
 * Copies DuckDB's loader (with detect-libc) and the target's binding, and nothing else, into `destination` (a
 * node_modules folder beside the bundles), replacing what was there.
 */
export function copyDuckdbModules(root, destination, target) {
  rmSync(destination, { recursive: true, force: true });
  for (const name of ['@duckdb/node-bindings', 'detect-libc']) {
    cpSync(join(root, 'node_modules', name), join(destination, name), { recursive: true, dereference: true });
  }
  cpSync(duckdbBindingFolder(root, target), join(destination, `@duckdb/node-bindings-${TARGETS[target].duckdb}`), { recursive: true, dereference: true });
  copyOnnxRuntime(root, destination, target);
}

/**
 * Copies onnxruntime-node (its JavaScript and the target's binary folder only; the installed package holds every
 * platform's) and onnxruntime-common into `destination`, for the embed step. Nothing for a target without a build.
 */
export function copyOnnxRuntime(root, destination, target) {
  const binaries = TARGETS[target].onnxruntime;
  if (binaries === undefined) return;
  const from = join(root, 'node_modules/onnxruntime-node');
  const to = join(destination, 'onnxruntime-node');
  for (const name of ['package.json', 'LICENSE', 'dist']) {
    if (existsSync(join(from, name)))
      cpSync(join(from, name), join(to, name), {
        recursive: true,
        dereference: true,
        filter: (source) => !source.endsWith('.map') && !source.endsWith('.d.ts'),
      });
  }
  cpSync(join(from, 'bin/napi-v6', binaries), join(to, 'bin/napi-v6', binaries), { recursive: true, dereference: true });
  const common = join(root, 'node_modules/onnxruntime-common');
  for (const name of ['package.json', 'LICENSE', 'dist/cjs']) {
    if (existsSync(join(common, name)))
      cpSync(join(common, name), join(destination, 'onnxruntime-common', name), {
        recursive: true,
        dereference: true,
        filter: (source) => !source.endsWith('.map') && !source.endsWith('.d.ts'),
      });
  }
}

/**
 * Reads the header of a native file: `{ format: 'elf' | 'macho' | 'pe', machines: number[] }` (a universal Mach-O
 * lists each of its architectures), or undefined when it is none of these.
 */
export function nativeFormat(bytes) {
  const u32 = (offset, little) => (little ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset));
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const little = bytes[5] === 1;
    return { format: 'elf', machines: [little ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18)] };
  }
  if (bytes.length >= 8) {
    const magic = bytes.readUInt32BE(0);
    if (magic === 0xcefaedfe || magic === 0xcffaedfe) return { format: 'macho', machines: [u32(4, true)] };
    if (magic === 0xfeedface || magic === 0xfeedfacf) return { format: 'macho', machines: [u32(4, false)] };
    if (magic === 0xcafebabe || magic === 0xcafebabf) {
      // Universal binary: big-endian count, then 20-byte (32-bit) or 32-byte (64-bit) entries starting with cputype.
      const count = u32(4, false);
      const entry = magic === 0xcafebabe ? 20 : 32;
      const machines = [];
      for (let i = 0; i < count && 8 + i * entry + 4 <= bytes.length; i++) machines.push(u32(8 + i * entry, false));
      return { format: 'macho', machines };
    }
  }
  if (bytes.length >= 0x40 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 <= bytes.length && bytes.readUInt32BE(pe) === 0x50450000) return { format: 'pe', machines: [bytes.readUInt16LE(pe + 4)] };
  }
  return undefined;
}

/** The first 4 KiB of a file: enough for every header nativeFormat reads. */
export function readHeader(file) {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
