// Packages the mlwb command as its own npm package: dist/mlwb-cli-<version>.tgz, installable with
// `npm install -g ./dist/mlwb-cli-<version>.tgz` on a machine without this repository.
// The bundle (dist/cli/mlwb.js) carries every JavaScript dependency; only native modules are declared:
// DuckDB's loader (its optional per-platform packages bring the machine's binding), better-sqlite3 (optional) and
// onnxruntime-node (optional: the embed step's encoders).
// Flags: --no-build packages the production build already in dist/; --out-dir DIR writes the tarball there.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdbBindingsVersion } from './platforms.mjs';

const root = new URL('..', import.meta.url).pathname;
const outIndex = process.argv.indexOf('--out-dir');
const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, 'dist');

if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = mkdtempSync(join(tmpdir(), 'mlwb-cli-package-'));
try {
  mkdirSync(join(stage, 'dist/cli/wasm'), { recursive: true });
  cpSync(join(root, 'dist/cli/mlwb.js'), join(stage, 'dist/cli/mlwb.js'));
  // The worker pool's entry point (n_jobs), started beside the bundle.
  cpSync(join(root, 'dist/cli/pool.js'), join(stage, 'dist/cli/pool.js'));
  // The service that `mlwb export --format container` copies into the build context.
  cpSync(join(root, 'dist/serve/container.js'), join(stage, 'dist/cli/container.js'));
  // The wasm backend looks for its binaries in wasm/ beside the bundle.
  for (const file of readdirSync(join(root, 'dist/wasm')).filter((name) => name.endsWith('.wasm'))) {
    cpSync(join(root, 'dist/wasm', file), join(stage, 'dist/cli/wasm', file));
  }
  cpSync(join(root, 'scripts/cli-package/README.md'), join(stage, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const cliManifest = {
    name: 'mlwb-cli',
    version: manifest.version,
    description: 'mlwb: train, validate, serve, export and import data for ML Workbench experiment files, headless and without Python.',
    license: manifest.license,
    repository: manifest.repository,
    bugs: manifest.bugs,
    homepage: manifest.homepage,
    keywords: manifest.keywords,
    bin: { mlwb: 'dist/cli/mlwb.js' },
    files: ['dist/', 'README.md', 'LICENSE'],
    engines: { node: manifest.engines.node },
    dependencies: { '@duckdb/node-bindings': duckdbBindingsVersion(root) },
    optionalDependencies: {
      'better-sqlite3': manifest.dependencies['better-sqlite3'],
      // The embed step's encoders (loaded on first use); without it, embed says the runtime is missing.
      'onnxruntime-node': manifest.dependencies['onnxruntime-node'],
    },
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(cliManifest, null, 2)}\n`);
  mkdirSync(outDir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const file = execFileSync(npm, ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', shell: process.platform === 'win32' })
    .trim()
    .split('\n')
    .pop();
  console.log(`CLI package: ${join(outDir, file)}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
