import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { RunStore } from '../../../src/core/runs/store';
import { saveModelVersion, setCurrentModelVersion } from '../../../src/core/runs/versions';

const root = path.join(__dirname, '..', '..', '..');
const mlwb = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });

/** Runs mlwb with stdout and stderr on real pipes, read as they come, as `mlwb … | jq` would. */
function mlwbPiped(cwd: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve) =>
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() })),
  );
}

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-cli-'));
  cpSync(path.join(root, 'examples'), dir, { recursive: true });
  return dir;
}

test('mlwb train FILE --json prints the run as DESIGN.md describes it, and runs/show find it', () => {
  const dir = workspace();
  const trained = mlwb(dir, 'train', 'iris.experiment.yaml', '--json');
  assert.equal(trained.status, 0, trained.stderr);
  const result = JSON.parse(trained.stdout) as {
    runId: string;
    status: string;
    metrics: Record<string, unknown>;
    cv?: { folds: unknown[]; mean: Record<string, number>; std: Record<string, number> };
  };
  assert.equal(result.status, 'completed');
  for (const key of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'confusion_matrix', 'labels']) assert.ok(key in result.metrics, key);
  assert.equal(result.cv?.folds.length, 5);
  assert.equal(typeof result.cv?.mean.accuracy, 'number');
  assert.equal(typeof result.cv?.std.accuracy, 'number');

  const runs = mlwb(dir, 'runs', '--json');
  assert.equal(runs.status, 0, runs.stderr);
  assert.deepEqual(
    (JSON.parse(runs.stdout) as { runId: string }[]).map((r) => r.runId),
    [result.runId],
  );
  const shown = mlwb(dir, 'show', result.runId, '--json');
  const record = JSON.parse(shown.stdout) as { id: string; servingModelVersion: number; modelVersions: { version: number }[] };
  assert.equal(record.id, result.runId);
  assert.equal(record.servingModelVersion, 1);
  assert.deepEqual(
    record.modelVersions.map((v) => v.version),
    [1],
  );
});

test('mlwb show lists the model versions online updates made, and the one serving', async () => {
  const dir = workspace();
  const trained = JSON.parse(mlwb(dir, 'train', 'iris.experiment.yaml', '--json').stdout) as { runId: string };
  const runDir = path.join(dir, '.mlwb', 'runs', trained.runId);
  // What a service with online updates writes: the updated model as the next version.
  const loaded = await loadRunModel(runDir);
  await saveModelVersion(runDir, loaded.model, { parent: 1, source: 'online', rows: 5, onlineRows: 5 });
  const text = mlwb(dir, 'show', trained.runId);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /model versions: v1 \(trained\), v2 \(online, 5 rows\); serving v2/);
  setCurrentModelVersion(runDir, 1);
  assert.match(mlwb(dir, 'show', trained.runId).stdout, /serving v1/);
});

test('mlwb exits non-zero with a message naming the problem', () => {
  const dir = workspace();
  const missing = mlwb(dir, 'train', 'nope.experiment.yaml');
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /experiment file not found: nope\.experiment\.yaml/);

  writeFileSync(path.join(dir, 'bad.experiment.yaml'), 'data: { path: data/iris.csv, target: species }\nmodel: { type: magic }\n');
  const bad = mlwb(dir, 'train', 'bad.experiment.yaml', '--json');
  assert.equal(bad.status, 1);
  const failed = JSON.parse(bad.stdout) as { status: string; reason: string };
  assert.equal(failed.status, 'failed');
  assert.match(failed.reason, /bad\.experiment\.yaml:2:\d+: model\.type/);

  const usage = mlwb(dir, 'frobnicate');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown command "frobnicate"/);
});

test('--json output larger than a pipe holds (64 KB) reaches the reader whole', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-cli-pipe-'));
  const store = new RunStore(dir);
  const record = store.create('big', 'big.experiment.yaml', null);
  // About 600 KB of JSON, as a logistic regression on 50,000 rows prints with its ROC curve.
  const curve = Array.from({ length: 25_000 }, (_, i) => i / 25_000 + 1e-7);
  record.metrics = { accuracy: 0.9, roc: { fpr: curve, tpr: curve } };
  store.finish(record, 'completed');
  for (const args of [
    ['runs', '--json'],
    ['show', record.id, '--json'],
  ]) {
    const piped = await mlwbPiped(dir, ...args);
    assert.equal(piped.status, 0, piped.stderr);
    assert.ok(Buffer.byteLength(piped.stdout) > 500_000, `mlwb ${args.join(' ')} printed ${Buffer.byteLength(piped.stdout)} bytes`);
    const parsed = JSON.parse(piped.stdout) as { metrics?: { roc: { fpr: number[] } } } | { metrics: { roc: { fpr: number[] } } }[];
    const metrics = Array.isArray(parsed) ? parsed[0]?.metrics : parsed.metrics;
    assert.equal(metrics?.roc.fpr.length, 25_000);
  }
});

test('mlwb export --out where no folder can be made (under /proc) is refused at once, not a hang', { skip: !existsSync('/proc/self') && 'needs /proc' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-cli-export-'));
  const store = new RunStore(dir);
  const record = store.create('small', 'small.experiment.yaml', null);
  store.finish(record, 'completed');
  // The export checks these files exist before it makes the folder; their content is not read then.
  for (const file of ['model.json', 'pipeline.json', 'schema.json', 'reference.json']) writeFileSync(path.join(store.runDir(record.id), file), '{}');
  const started = Date.now();
  const exported = spawnSync(
    process.execPath,
    ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), 'export', record.id, '--out', '/proc/mlwb-export-test'],
    { cwd: dir, encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(exported.signal, null, `mlwb export was still running after ${Date.now() - started} ms`);
  assert.equal(exported.status, 1);
  assert.match(exported.stderr, /mlwb: cannot create the folder \/proc\/mlwb-export-test: the file system there does not take new folders \(ENOENT\)/);
});

test('mlwb runs and show list a run whose run.json is cut short as damaged, with the reason; a name of megabytes is shown cut to one line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-cli-damaged-'));
  const store = new RunStore(dir);
  // A run from before names were limited.
  const long = store.create(`long\n${'x'.repeat(1024 * 1024)}`, 'long.experiment.yaml', null);
  store.finish(long, 'failed', 'x');
  const record = store.create('cut', 'cut.experiment.yaml', null);
  const file = path.join(store.runDir(record.id), 'run.json');
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 60));
  const runs = mlwb(dir, 'runs');
  assert.equal(runs.status, 0, runs.stderr);
  assert.match(runs.stdout, new RegExp(`${record.id}  damaged\\s+cut\\n  .*run\\.json cannot be read: the JSON ends early`));
  assert.match(runs.stdout, new RegExp(`${long.id}  failed      long x{74}…\\n`));
  assert.ok(runs.stdout.length < 2000, `printed ${runs.stdout.length} characters`);
  const shown = mlwb(dir, 'show', record.id, '--json');
  assert.equal(shown.status, 0, shown.stderr);
  const json = JSON.parse(shown.stdout) as { status: string; reason: string };
  assert.equal(json.status, 'damaged');
  assert.match(json.reason, /cut short/);
});

test('mlwb train stopped by SIGTERM marks the run cancelled with the signal as its reason, and exits 143', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-cli-sigterm-'));
  // Enough work that the run is still training when the signal comes: 20 folds of a logistic regression.
  const header = Array.from({ length: 20 }, (_, j) => `x${j}`).join(',');
  const rows = Array.from({ length: 4000 }, (_, i) => `${Array.from({ length: 20 }, (_, j) => Math.sin(i * (j + 1))).join(',')},${i % 3 === 0 ? 'a' : 'b'}`);
  writeFileSync(path.join(dir, 'slow.csv'), `${header},y\n${rows.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'slow.experiment.yaml'),
    'data: { path: slow.csv, target: y }\nmodel: { type: logistic_regression, params: { max_iter: 2000, tol: 0.0000001 } }\nvalidation: { method: kfold, folds: 20 }\n',
  );
  const child = spawn(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), 'train', 'slow.experiment.yaml'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const training = new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('training logistic_regression')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await training;
    child.kill('SIGTERM');
    const signalled = Date.now();
    assert.equal(await exited, 143, stderr);
    assert.ok(Date.now() - signalled < 20_000, `stopped ${Date.now() - signalled} ms after SIGTERM`);
  } finally {
    clearTimeout(guard);
  }
  const [run] = new RunStore(dir).list();
  assert.equal(run?.status, 'cancelled');
  assert.equal(run?.reason, 'cancelled: mlwb was stopped by SIGTERM before the run finished');
});
