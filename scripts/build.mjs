// Bundles the extension host, the workers, the CLI, the prediction service, the webviews and the
// integration tests with esbuild, and copies the assets that cannot be bundled (tfjs wasm binaries,
// DuckDB's native binding and its loader) next to the bundles. Flags: --watch, --production (minified, no tests),
// --target T (a VS Code target such as darwin-arm64: copy that platform's DuckDB binding instead of this machine's).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { TARGETS, copyDuckdbModules, hostTarget } from './platforms.mjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const targetIndex = process.argv.indexOf('--target');
const target = targetIndex >= 0 ? process.argv[targetIndex + 1] : hostTarget();
if (target !== undefined && !(target in TARGETS)) {
  console.error(`unknown --target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}

// Native or optional modules stay outside the bundles. better-sqlite3 (SQLite import, CLI only) is loaded lazily from
// node_modules: the extension's packages do not ship it, the CLI package declares it as an optional dependency.
// onnxruntime-node (the embed step's encoders) is loaded from node_modules on first use, like better-sqlite3.
const nodeExternals = ['vscode', '@duckdb/node-bindings', '@tensorflow/tfjs-node', 'better-sqlite3', 'mocha', 'onnxruntime-node'];

const list = (dir, test) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).filter(test) : []);

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: nodeExternals,
  logLevel: 'warning',
  absWorkingDir: root,
};

// Packages the extension host uses only after a command or view needs them (database clients, DuckDB, the YAML parser)
// are bundled on their own into dist/lazy/<name>.js. dist/extension.js holds a small stand-in for each: its exports
// are getters that require the real bundle at first use, so loading the extension parses only what activation runs.
// (CommonJS output cannot use esbuild's code splitting.) The workers and the CLI bundle them as usual.
const LAZY_PACKAGES = { yaml: 'yaml', mysql2: 'mysql2', pg: 'pg', duckdb: '@duckdb/node-api' };

/** The stand-in for a lazily loaded package: its export names, each a getter that loads ./lazy/<file>.js. */
function lazyStandIn(file, specifier) {
  const real = require(specifier);
  if (typeof real !== 'object' || real === null) throw new Error(`${specifier} exports a ${typeof real}; a lazy stand-in needs an object`);
  const names = Object.getOwnPropertyNames(real).filter((name) => name !== '__esModule');
  return [
    'let loaded;',
    `const load = () => (loaded ??= require(${JSON.stringify(`./lazy/${file}.js`)}));`,
    real.__esModule === true ? "Object.defineProperty(exports, '__esModule', { value: true });" : '',
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join('\n');
}

const lazyPackagesPlugin = {
  name: 'lazy-packages',
  setup(build) {
    const files = new Map(Object.entries(LAZY_PACKAGES).map(([file, specifier]) => [specifier, file]));
    const filter = new RegExp(`^(${[...files.keys()].map((specifier) => specifier.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-package' }));
    build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy-package' }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: lazyStandIn(files.get(args.path), args.path), loader: 'js' }));
  },
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'dist', plugins: [lazyPackagesPlugin] },
  { ...nodeCommon, entryPoints: LAZY_PACKAGES, outdir: 'dist/lazy' },
  {
    ...nodeCommon,
    entryPoints: Object.fromEntries(
      list('src/worker', (f) => f.endsWith('.ts') && !/protocol/i.test(f)).map((f) => [f.replace(/\.ts$/, ''), `src/worker/${f}`]),
    ),
    outdir: 'dist/worker',
  },
];
// Webviews: webview/<name>/main.ts → dist/webview/<name>.js
const webviewEntries = Object.fromEntries(
  list('webview', (f) => statSync(join(root, 'webview', f)).isDirectory() && existsSync(join(root, 'webview', f, 'main.ts'))).map((f) => [
    f,
    `webview/${f}/main.ts`,
  ]),
);
if (Object.keys(webviewEntries).length > 0) {
  builds.push({ ...nodeCommon, external: [], entryPoints: webviewEntries, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' });
}
if (existsSync(join(root, 'src/cli/mlwb.ts'))) {
  builds.push({ ...nodeCommon, entryPoints: { mlwb: 'src/cli/mlwb.ts' }, outdir: 'dist/cli', banner: { js: '#!/usr/bin/env node' } });
  // The core's worker pool (n_jobs) starts pool.js beside the bundle that runs it.
  builds.push({ ...nodeCommon, entryPoints: { pool: 'src/worker/pool.ts' }, outdir: 'dist/cli' });
}
if (existsSync(join(root, 'src/serve/server.ts'))) {
  // container: the service of `mlwb export --format container` (settings from PORT, HOST, MLWB_TOKEN).
  builds.push({ ...nodeCommon, entryPoints: { server: 'src/serve/server.ts', container: 'src/serve/container.ts' }, outdir: 'dist/serve' });
}
if (!production) {
  const tests = Object.fromEntries(list('test/integration', (f) => f.endsWith('.ts')).map((f) => [f.replace(/\.ts$/, ''), `test/integration/${f}`]));
  builds.push({ ...nodeCommon, entryPoints: tests, outdir: 'out/test/integration' });
}

/** Copies what esbuild cannot bundle: the wasm binaries of tfjs and DuckDB's packages with its native binding. */
function copyAssets() {
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  mkdirSync(join(root, 'dist/wasm'), { recursive: true });
  for (const file of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
    cpSync(join(wasmDist, file), join(root, 'dist/wasm', file));
  }
  // DuckDB's JavaScript API is bundled; its loader and the target's native binding (only that one) are copied.
  if (target === undefined) {
    console.warn(`no DuckDB binding is packaged for ${process.platform}-${process.arch}; pass --target`);
    return;
  }
  copyDuckdbModules(root, join(root, 'dist/node_modules'), target);
}

if (!production) rmSync(join(root, 'out'), { recursive: true, force: true });
// A production build starts from an empty dist/, except for the packages already made there.
if (production && existsSync(join(root, 'dist'))) {
  for (const name of readdirSync(join(root, 'dist'))) {
    if (!/\.(vsix|tgz)$|^release$/.test(name)) rmSync(join(root, 'dist', name), { recursive: true, force: true });
  }
}
copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('watching for changes…');
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}
