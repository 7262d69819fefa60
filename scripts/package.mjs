// Packages the extension for one or more VS Code targets (`vsce package --target`), each .vsix holding only its own
// platform's DuckDB binding. The bundles are built once and copied into a staging folder, where only the binding
// changes between targets (and a build started meanwhile in dist/ cannot mix into a package).
//
//   node scripts/package.mjs                       this machine's platform → dist/ml-workbench.vsix
//   node scripts/package.mjs --target darwin-arm64 → dist/ml-workbench-darwin-arm64.vsix
//   node scripts/package.mjs --target all          every target → dist/ml-workbench-<target>.vsix
//   --out-dir DIR writes the packages there instead of dist/; --no-build packages the production build already in dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIZE_BUDGET_MB, TARGETS, copyDuckdbModules, hostTarget } from './platforms.mjs';

const root = new URL('..', import.meta.url).pathname;

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const requested = option('--target');
const outDir = option('--out-dir') ?? join(root, 'dist');
const targets = requested === 'all' ? Object.keys(TARGETS) : [requested ?? hostTarget()];
for (const target of targets) {
  if (target === undefined || !(target in TARGETS)) {
    console.error(`cannot package for ${target ?? `${process.platform}-${process.arch}`}; targets: ${Object.keys(TARGETS).join(', ')}, all`);
    process.exit(2);
  }
}

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
const stage = mkdtempSync(join(tmpdir(), 'mlwb-vsix-'));
try {
  // What .vscodeignore may ship, without packages already made, the CLI bundle or the native modules.
  for (const name of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'media', 'schemas']) {
    if (existsSync(join(root, name))) cpSync(join(root, name), join(stage, name), { recursive: true });
  }
  for (const name of ['extension.js', 'lazy', 'worker', 'serve', 'webview', 'wasm']) {
    cpSync(join(root, 'dist', name), join(stage, 'dist', name), { recursive: true });
  }
  mkdirSync(outDir, { recursive: true });
  for (const target of targets) {
    copyDuckdbModules(root, join(stage, 'dist/node_modules'), target);
    const file = join(outDir, requested === undefined ? 'ml-workbench.vsix' : `ml-workbench-${target}.vsix`);
    execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--target', target, '--out', file], {
      cwd: stage,
      stdio: 'inherit',
    });
    const megabytes = statSync(file).size / 2 ** 20;
    const budget = SIZE_BUDGET_MB[target];
    console.log(`${target}: ${file} ${megabytes.toFixed(1)} MiB (budget ${budget} MiB)`);
    if (megabytes > budget) {
      console.error(`${file} is over its size budget`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
