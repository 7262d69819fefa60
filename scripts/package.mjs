// Packages the extension for one or more VS Code targets (`vsce package --target`), each .vsix holding only its own
// platform's DuckDB binding. The bundles are built once; only the binding is swapped between targets.
//
//   node scripts/package.mjs                       this machine's platform → dist/ml-workbench.vsix
//   node scripts/package.mjs --target darwin-arm64 → dist/ml-workbench-darwin-arm64.vsix
//   node scripts/package.mjs --target all          every target → dist/ml-workbench-<target>.vsix
//   --out-dir DIR writes the packages there instead of dist/; --no-build packages the production build already in dist/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SIZE_BUDGET_MB, TARGETS, hostTarget } from './platforms.mjs';

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

const node = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (!process.argv.includes('--no-build')) node(['scripts/build.mjs', '--production', '--target', targets[0]]);
mkdirSync(outDir, { recursive: true });
for (const [index, target] of targets.entries()) {
  if (index > 0 || process.argv.includes('--no-build')) node(['scripts/build.mjs', '--assets-only', '--target', target]);
  const file = join(outDir, requested === undefined ? 'ml-workbench.vsix' : `ml-workbench-${target}.vsix`);
  node([join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--target', target, '--out', file]);
  const megabytes = statSync(file).size / 2 ** 20;
  const budget = SIZE_BUDGET_MB[target];
  console.log(`${target}: ${file} ${megabytes.toFixed(1)} MiB (budget ${budget} MiB)`);
  if (megabytes > budget) {
    console.error(`${file} is over its size budget`);
    process.exit(1);
  }
}
