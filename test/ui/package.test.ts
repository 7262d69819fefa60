import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectRoot, runCodeServerCli } from '../runner/codeServer';
import { dismissOverlays, openMlWorkbench, openWorkbench, runFromPalette, screenshot, type Workbench } from './workbench';

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
  assert.ok(megabytes < 40, `the .vsix is ${megabytes.toFixed(1)} MB`);

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
});
