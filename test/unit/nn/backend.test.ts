import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend } from '../../../src/core/nn/backend';

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

// Order matters: a failed choice does not stick, a successful one holds for the whole process.
test('an unknown preference is refused by name', async () => {
  await assert.rejects(initBackend('gpu' as 'cpu'), /unknown backend 'gpu', expected one of auto, tensorflow, wasm, cpu/);
});

test('tensorflow without tfjs-node explains itself', { skip: tfjsNodeInstalled() && 'tfjs-node is installed here' }, async () => {
  await assert.rejects(initBackend('tensorflow'), /'tensorflow' is unavailable: tfjs-node not installed: Cannot find module '@tensorflow\/tfjs-node'/);
  assert.equal(activeBackend(), undefined);
});

test('wasm with a folder lacking the wasm files explains itself', async () => {
  await assert.rejects(
    initBackend('wasm', { wasmDir: '/nonexistent/wasm' }),
    /wasm files not found: \/nonexistent\/wasm\/tfjs-backend-wasm.wasm does not exist/,
  );
});

test('auto picks wasm here and says why tfjs-node was passed over', { skip: tfjsNodeInstalled() && 'tfjs-node is installed here' }, async () => {
  const info = await initBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.match(info.reason, /^tfjs-node not installed: .*; WebAssembly backend$/);
  assert.equal(info.tfjsVersion, tf.version.tfjs);
  assert.deepEqual(activeBackend(), info);
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(tf.tensor([1, 2, 3]).square().arraySync(), [1, 4, 9]);
  // Chosen once per process: auto again returns the same, a different explicit choice is refused.
  assert.deepEqual(await initBackend(), info);
  await assert.rejects(initBackend('cpu'), /'wasm' was already chosen for this process .*cannot switch to 'cpu'/);
});

test('an explicit cpu choice works (in a fresh process)', () => {
  const root = path.resolve(__dirname, '../../..');
  const script = `const { initBackend } = require('./src/core/nn/backend');
const tf = require('@tensorflow/tfjs');
initBackend('cpu').then((info) => console.log(JSON.stringify({ info, sum: tf.sum(tf.tensor([1, 2, 3])).dataSync()[0], backend: tf.getBackend() })));`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  const line = output.split('\n').find((l) => l.startsWith('{')) as string;
  const result = JSON.parse(line) as { info: { name: string; reason: string }; sum: number; backend: string };
  assert.equal(result.info.name, 'cpu');
  assert.equal(result.info.reason, 'cpu backend requested');
  assert.equal(result.backend, 'cpu');
  assert.equal(result.sum, 6);
});
