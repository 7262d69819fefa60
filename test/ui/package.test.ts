import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectRoot, runCodeServerCli } from '../runner/codeServer';
import { dismissOverlays, openMlWorkbench, openWorkbench, runFromPalette, screenshot, type Workbench } from './workbench';
import { SIZE_BUDGET_MB, hostTarget } from '../../scripts/platforms.mjs';

const vsix = path.join(projectRoot, 'dist', 'ml-workbench.vsix');
const extensionsDir = mkdtempSync(path.join(tmpdir(), 'mlwb-ext-'));
let workbench: Workbench | undefined;

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  await workbench?.close();
  rmSync(extensionsDir, { recursive: true, force: true });
});

test('npm run package makes a .vsix that code-server installs, and the installed extension activates', async () => {
  const packaged = spawnSync('npm', ['run', 'package'], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(packaged.status, 0, packaged.stdout + packaged.stderr);
  assert.ok(existsSync(vsix));
  const megabytes = statSync(vsix).size / 2 ** 20;
  // This machine's package, within its target's budget (it carries DuckDB's binding and the ONNX runtime).
  const target = hostTarget();
  assert.ok(target !== undefined, `no package is made for ${process.platform}-${process.arch}`);
  assert.ok(megabytes <= SIZE_BUDGET_MB[target], `the .vsix is ${megabytes.toFixed(1)} MB, over ${SIZE_BUDGET_MB[target]} MiB`);

  const installed = runCodeServerCli(['--install-extension', vsix, '--extensions-dir', extensionsDir]);
  assert.equal(installed.status, 0, installed.output);
  assert.match(installed.output, /successfully installed/);
  assert.ok(readdirSync(extensionsDir).some((name) => name.startsWith('mlwb.ml-workbench-')));

  // The installed copy, not the development folder: its worker must find tfjs's wasm and DuckDB's binding.
  workbench = await openWorkbench({ extensionsDir, developExtension: false });
  const { page } = workbench;
  await openMlWorkbench(page);
  await runFromPalette(page, 'ML Workbench: Show Log');
  const output = page.locator('.part.panel .view-lines');
  await output.filter({ hasText: /backend:\swasm.*DuckDB\sv1\./s }).waitFor({ timeout: 60_000 });
  await screenshot(page, 'installed-vsix-output');

  // Activation cost as VS Code itself measures it (loading the code + the activate call), on the installed package,
  // and the activate call alone from the log's 'activating' and 'activated' lines.
  const log = (await output.textContent()) ?? '';
  const stamp = (word: string) => Date.parse(new RegExp(`\\[([^\\]]+)\\][^\\[]*?${word}\\b`).exec(log)?.[1] ?? '');
  const activateCall = stamp('activated') - stamp('activating');
  // The extension's own files loaded by the end of activate (the log names them): dist/lazy/* only once used.
  const loadedFiles = /activated;\sloaded\s([^[]*)/.exec(log)?.[1]?.trim() ?? '(not in the log)';
  await runFromPalette(page, 'Developer: Show Running Extensions');
  const activation = page.locator('.runtime-extensions-editor .monaco-list-row[aria-label="ml-workbench"] .activation-time');
  await activation.waitFor({ timeout: 30_000 });
  const text = (await activation.textContent()) ?? '';
  const others = await page.locator('.runtime-extensions-editor .monaco-list-row').allInnerTexts();
  console.log(
    `ML Workbench in the extension host: ${text} (VS Code's figure: code loading + activate call); activate call ${activateCall} ms; loaded by then: ${loadedFiles}`,
  );
  console.log(`beside: ${others.map((row) => row.replace(/\s*\n\s*/g, ' ').replace(/ [\d.]+:\d+ /, ' ')).join('; ')}`);
  await screenshot(page, 'installed-vsix-running-extensions');
  const milliseconds = Number(/(\d+)\s*ms/.exec(text)?.[1]);
  assert.ok(Number.isFinite(milliseconds), text);
  // The target is 100 ms, not met yet (README, "Not built yet"); this bound only catches a large regression on a loaded
  // 2-core machine, where every extension activates several times slower.
  assert.ok(milliseconds < 5_000, `activation took ${text}`);
});
