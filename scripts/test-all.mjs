// Runs the static checks (type check, lint) and the test layers (unit, integration, ui) in order and ends with one line
// "N passed, N failed, N skipped" that adds them up. `node scripts/test-all.mjs unit` runs one layer.
// Honest counts: a cancelled test (its hook failed, or the file crashed) counts as failed, a todo as skipped,
// and a layer that ran no test at all fails.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const requested = process.argv.slice(2);
const layers = requested.length > 0 ? requested : ['static', 'unit', 'integration', 'ui'];

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found.sort();
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Reads node's spec reporter summary ("ℹ pass N", "ℹ fail N", "ℹ cancelled N", "ℹ skipped N", "ℹ todo N"). */
function nodeTestCounts(output) {
  const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
}

async function nodeTestLayer(dir, extraArgs = []) {
  const files = findTests(join(root, dir));
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, code: 0 };
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extraArgs, ...files]);
  const counts = nodeTestCounts(output);
  // A crash before the summary still counts as a failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return { ...counts, code };
}

/** Type check, lint and formatting, each counted as one test. */
async function staticLayer() {
  const counts = { passed: 0, failed: 0, skipped: 0, code: 0 };
  for (const [name, args] of [
    ['typecheck', ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']],
    ['lint', ['node_modules/eslint/bin/eslint.js', '--no-error-on-unmatched-pattern', 'src', 'test', 'webview', 'scripts', 'bench']],
    ['format', ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '{src,test,webview,bench}/**/*.ts', 'scripts/**/*.{ts,mjs}']],
  ]) {
    const { code } = await run(process.execPath, args);
    console.log(`${code === 0 ? '✔' : '✖'} ${name}`);
    if (code === 0) counts.passed++;
    else {
      counts.failed++;
      counts.code = 1;
    }
  }
  return counts;
}

async function integrationLayer() {
  const { code, output } = await run(process.execPath, ['--import', 'tsx', 'test/runner/runIntegration.ts']);
  const match = /^MLWB_RESULT (.*)$/m.exec(output);
  const counts = match ? JSON.parse(match[1]) : { passed: 0, failed: 1, skipped: 0 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return { ...counts, code };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
if (layers.some((layer) => layer === 'integration' || layer === 'ui')) {
  const build = await run(process.execPath, ['scripts/build.mjs']);
  if (build.code !== 0) {
    console.log('build failed');
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}
for (const layer of layers) {
  console.log(`\n=== ${layer} tests ===`);
  let result;
  if (layer === 'static') result = await staticLayer();
  else if (layer === 'unit') result = await nodeTestLayer('test/unit');
  else if (layer === 'integration') result = await integrationLayer();
  else if (layer === 'ui') result = await nodeTestLayer('test/ui', ['--test-concurrency=1']);
  else throw new Error(`unknown test layer ${layer}`);
  if (result.passed + result.failed === 0) {
    // A layer that ran nothing proves nothing: its tests were not found, or all of them skipped.
    console.log(`✖ the ${layer} layer ran no test`);
    result.failed = 1;
    result.code = 1;
  }
  console.log(`=== ${layer}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped ===`);
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  if (result.code !== 0) exitCode = 1;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));
