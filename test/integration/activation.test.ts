import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MlWorkbenchApi } from '../../src/extension/main';

const EXTENSION_ID = 'mlwb.ml-workbench';

interface Manifest {
  contributes: { commands: { command: string; category: string }[]; views: Record<string, { id: string }[]> };
}

function manifest(): Manifest {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return JSON.parse(readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8')) as Manifest;
}

async function activated(): Promise<MlWorkbenchApi> {
  const extension = vscode.extensions.getExtension<MlWorkbenchApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

suite('Activation', () => {
  test('runs in a real VS Code 1.100 extension host', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  test('the extension activates because the workspace holds dataset files', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    // workspaceContains:*.csv activates it without any command being run.
    for (let i = 0; i < 100 && !extension.isActive; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(extension.isActive, true);
  });

  test('every contributed command is registered, in the ML Workbench category', async () => {
    await activated();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands;
    assert.ok(contributed.length >= 6);
    for (const command of contributed) {
      assert.equal(command.category, 'ML Workbench', command.command);
      assert.ok(registered.has(command.command), `${command.command} is contributed but not registered`);
    }
  });

  test('the three views resolve', async () => {
    await activated();
    const views = manifest().contributes.views.mlWorkbench?.map((view) => view.id);
    assert.deepEqual(views, ['mlWorkbench.datasets', 'mlWorkbench.runs', 'mlWorkbench.deployments']);
    for (const view of views ?? []) {
      // The focus command exists only for a view the workbench has resolved.
      await vscode.commands.executeCommand(`${view}.focus`);
    }
  });

  test('the runtime worker names the TensorFlow.js backend it loaded', async () => {
    const api = await activated();
    const info = await api.runtimeInfo();
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(info.backend), info.backend);
    assert.equal(info.tfjsVersion, '4.22.0');
    assert.match(info.duckdbVersion, /^v1\./);
    const fromCommand = await vscode.commands.executeCommand<{ backend: string }>('mlWorkbench.showRuntimeInfo');
    assert.equal(fromCommand?.backend, info.backend);
  });
});
