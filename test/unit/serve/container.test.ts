/**
 * `mlwb export --format container`: no container engine here, so the build context is checked the way an
 * engine would use it. It is copied out of the repository, its Dockerfile's CMD runs with plain node under
 * the Dockerfile's ENV, and its predictions are compared with the run's; the Dockerfile is linted with
 * dockerfile-utils and k8s.yaml's objects are validated against the Dockerfile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { parseAllDocuments } from 'yaml';
import { tableFromRecords } from '../../../src/core/data/table';
import { exportModel } from '../../../src/core/export/formats';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { freePort } from '../sources/servers';
import { readDockerfile, runCmd } from './containerContext';
import { featureRecords, fixtures, post, trainedRun, trainInWorkspace } from './fixture';
import { serveBundle } from './spawn';

const root = path.join(__dirname, '..', '..', '..');

/** A container build context of the iris run, copied to a folder outside the repository. */
async function containerFolder(): Promise<{ runDir: string; dir: string }> {
  const runDir = await trainedRun('iris');
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-container-')), 'iris-image');
  exportModel(runDir, outDir, { format: 'container', serviceBundle: await serveBundle('container') });
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-container-copy-')), 'context');
  cpSync(outDir, dir, { recursive: true });
  return { runDir, dir };
}

test('the container folder serves by its CMD from a copy outside the repository: health, v2 infer and /invocations give the run’s predictions; SIGTERM exits 0', async () => {
  const { runDir, dir } = await containerFolder();
  assert.ok(!path.resolve(dir).startsWith(path.resolve(root) + path.sep));
  assert.ok(!existsSync(path.join(dir, 'node_modules')));
  const docker = readDockerfile(dir);
  const port = await freePort();
  const token = 'container-test-token';
  const service = runCmd(dir, docker, { PORT: String(port), MLWB_TOKEN: token });
  try {
    const { url } = await service.listening;
    assert.equal(url, `http://0.0.0.0:${port}`);
    const local = `http://127.0.0.1:${port}`;
    // The probes answer without the token; everything else needs it.
    const ready = await fetch(`${local}/v2/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true });
    assert.equal((await fetch(`${local}/v2/health/live`)).status, 200);
    assert.equal((await fetch(`${local}/metrics`)).status, 401);

    const records = featureRecords('iris');
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await post(`${local}/invocations`, JSON.stringify({ dataframe_records: records }))).status, 401);
    const invocations = await post(`${local}/invocations`, JSON.stringify({ dataframe_records: records }), 'application/json', auth);
    assert.equal(invocations.status, 200, JSON.stringify(invocations.json));
    assert.deepEqual(invocations.json.predictions, expected.predictions);
    assert.deepEqual(invocations.json.probabilities, expected.probabilities);

    const inputs = Object.keys(records[0] as object).map((name) => ({ name, shape: [records.length, 1], datatype: 'FP64', data: records.map((r) => r[name]) }));
    const infer = await post(`${local}/v2/models/iris-serve/infer`, JSON.stringify({ inputs }), 'application/json', auth);
    assert.equal(infer.status, 200, JSON.stringify(infer.json));
    const [label, probabilities] = infer.json.outputs as { name: string; data: unknown[] }[];
    assert.equal(label?.name, 'label');
    assert.deepEqual(label?.data, expected.predictions);
    assert.deepEqual(probabilities?.data, expected.probabilities?.flat());

    // The HEALTHCHECK's command, run as the engine would (in the folder, with the container's environment).
    const [check, ...checkArgs] = docker.healthcheck;
    assert.equal(check, 'node');
    const healthy = spawnSync(process.execPath, checkArgs, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...docker.env, PORT: String(port) },
      timeout: 10_000,
    });
    assert.equal(healthy.status, 0, healthy.stderr.toString());
    const unhealthy = spawnSync(process.execPath, checkArgs, { cwd: dir, env: { ...docker.env, PORT: String(await freePort()) }, timeout: 10_000 });
    assert.equal(unhealthy.status, 1);

    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exited, { code: 0, signal: null });
  } finally {
    service.child.kill('SIGKILL');
  }
});

test('the container refuses to start on 0.0.0.0 without MLWB_TOKEN, saying so; on 127.0.0.1 it needs none', async () => {
  const { dir } = await containerFolder();
  const docker = readDockerfile(dir);
  const refused = runCmd(dir, docker, { PORT: String(await freePort()) });
  await assert.rejects(refused.listening);
  assert.equal((await refused.exited).code, 2);
  assert.match(refused.stderr(), /MLWB_TOKEN is not set: the service listens on 0\.0\.0\.0:\d+ and refuses to start without a token/);

  const local = runCmd(dir, docker, { PORT: String(await freePort()), HOST: '127.0.0.1' });
  try {
    const { url } = await local.listening;
    assert.equal((await fetch(`${url}/health`)).status, 200);
    local.child.kill('SIGTERM');
    assert.equal((await local.exited).code, 0);
  } finally {
    local.child.kill('SIGKILL');
  }
});

test('the Dockerfile passes dockerfile-utils with every check as an error, and follows the container contract', async () => {
  const { dir } = await containerFolder();
  const docker = readDockerfile(dir);
  const all = ValidationSeverity.ERROR;
  const problems = validate(docker.text, {
    deprecatedMaintainer: all,
    directiveCasing: all,
    emptyContinuationLine: all,
    instructionCasing: all,
    instructionCmdMultiple: all,
    instructionEntrypointMultiple: all,
    instructionHealthcheckMultiple: all,
    instructionJSONInSingleQuotes: all,
    instructionWorkdirRelative: all,
  });
  assert.deepEqual(
    problems.map((p) => `${p.range.start.line + 1}: ${p.message}`),
    [],
  );
  // The linter does flag a broken one, so an empty list means something.
  assert.ok(validate(`${docker.text}CMD node server.js\nFROMM x\n`).length >= 2);

  assert.equal(docker.from, 'node:20-slim');
  assert.doesNotMatch(docker.user, /^(root|0)(:|$)/);
  assert.deepEqual(docker.expose, [8080]);
  assert.equal(docker.env.PORT, '8080');
  assert.equal(docker.env.HOST, '0.0.0.0');
  assert.deepEqual(docker.cmd, ['node', 'server.js']);
  assert.match(readFileSync(path.join(dir, docker.healthcheck[1] as string), 'utf8'), /\/v2\/health\/ready/);
  // Every file the CMD and HEALTHCHECK run is in the context and not excluded by .dockerignore.
  const ignored = readFileSync(path.join(dir, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  for (const file of ['server.js', 'healthcheck.js', 'package.json', 'model/run.json', 'model/model.json', 'model/pipeline.json']) {
    assert.ok(existsSync(path.join(dir, file)), file);
    assert.ok(!ignored.some((pattern) => pattern === file || file.startsWith(`${pattern}/`)), `${file} is not ignored`);
  }
  // The bundle is the whole service: no dependencies to install, so no lockfile is needed.
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: object; scripts: { start: string } };
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.scripts.start, docker.cmd.join(' '));
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
  for (const command of [
    'docker build -t iris-serve:',
    'docker run --rm -p 8080:8080 -e MLWB_TOKEN=',
    'kubectl apply -f k8s.yaml',
    'kubectl create secret generic iris-serve-token',
  ]) {
    assert.ok(readme.includes(command), command);
  }
});

test('k8s.yaml holds a valid Deployment and Service that match the Dockerfile: probes, ports, resources, selector, scrape annotations', async () => {
  const { dir } = await containerFolder();
  const docker = readDockerfile(dir);
  const documents = parseAllDocuments(readFileSync(path.join(dir, 'k8s.yaml'), 'utf8'));
  assert.ok(Array.isArray(documents));
  for (const document of documents) assert.deepEqual(document.errors, []);
  type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const objects = documents.map((document) => document.toJS() as Obj);
  assert.deepEqual(
    objects.map((o) => `${o.apiVersion} ${o.kind}`),
    ['apps/v1 Deployment', 'v1 Service'],
  );
  const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  for (const object of objects) {
    assert.match(object.metadata.name, dns1123);
    assert.ok(object.metadata.name.length <= 63);
    assert.ok(object.spec, `${object.kind} has a spec`);
  }
  const [deployment, service] = objects as [Obj, Obj];
  const template = deployment.spec.template;
  const matchLabels = deployment.spec.selector.matchLabels as Record<string, string>;
  assert.ok(Object.keys(matchLabels).length > 0);
  // A Deployment's selector must match its pod template's labels (the API server refuses it otherwise).
  for (const [key, value] of Object.entries(matchLabels)) assert.equal(template.metadata.labels[key], value, key);
  // The Service routes to the Deployment's pods.
  for (const [key, value] of Object.entries(service.spec.selector as Record<string, string>)) assert.equal(template.metadata.labels[key], value, key);
  const [container, ...others] = template.spec.containers as Obj[];
  assert.equal(others.length, 0);
  assert.ok(container?.name && container.image);
  const [exposed] = docker.expose;
  assert.deepEqual(
    container.ports.map((p: Obj) => p.containerPort),
    [exposed],
  );
  assert.deepEqual(container.readinessProbe.httpGet, { path: '/v2/health/ready', port: exposed });
  assert.deepEqual(container.livenessProbe.httpGet, { path: '/v2/health/live', port: exposed });
  assert.equal(service.spec.ports[0].targetPort, exposed);
  assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
  assert.ok(container.resources.limits.cpu && container.resources.limits.memory);
  const env = Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e]));
  assert.equal(env.PORT?.value, String(exposed));
  assert.ok(env.MLWB_TOKEN?.valueFrom?.secretKeyRef?.name, 'the token comes from a Secret');
  assert.deepEqual(template.metadata.annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(exposed), 'prometheus.io/path': '/metrics' });
  assert.equal(template.spec.securityContext.runAsNonRoot, true);
});

test('a network model serves from the container folder on the bundled TensorFlow.js with its wasm binaries, as the run predicts', async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'mlwb-container-mlp-'));
  cpSync(path.join(fixtures, 'datasets', 'iris.csv'), path.join(workspace, 'iris.csv'));
  const runDir = await trainInWorkspace(workspace, 'mlp', [
    'name: iris-mlp',
    'data: { path: iris.csv, target: species }',
    'prepare:',
    '  - scale: { method: standard }',
    'model: { type: mlp, params: { hidden_layer_sizes: [8], learning_rate_init: 0.01, max_iter: 30 } }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 3',
  ]);
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-container-mlp-out-')), 'image');
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const result = exportModel(runDir, dir, { format: 'container', serviceBundle: await serveBundle('container'), wasmDir });
  assert.ok(result.files.includes('wasm/') && result.files.includes('model/model/'), result.files.join(', '));
  assert.ok(existsSync(path.join(dir, 'wasm', 'tfjs-backend-wasm.wasm')));
  const docker = readDockerfile(dir);
  const service = runCmd(dir, docker, { PORT: String(await freePort()), MLWB_TOKEN: 't' });
  try {
    const { url } = await service.listening;
    const records = featureRecords('iris');
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const answer = await post(`${url.replace('0.0.0.0', '127.0.0.1')}/invocations`, JSON.stringify({ dataframe_records: records }), 'application/json', {
      authorization: 'Bearer t',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual(answer.json.predictions, expected.predictions);
    const probabilities = answer.json.probabilities as number[][];
    expected.probabilities?.forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs((probabilities[i]?.[j] ?? NaN) - p) < 1e-5, `row ${i} class ${j}`)));
    service.child.kill('SIGTERM');
    assert.equal((await service.exited).code, 0);
  } finally {
    service.child.kill('SIGKILL');
  }
});

test('export --format sklearn writes only train_sklearn.py; an unknown format is refused naming the formats', async () => {
  const runDir = await trainedRun('iris');
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-export-sklearn-')), 'script');
  const result = exportModel(runDir, outDir, { format: 'sklearn' });
  assert.deepEqual(readdirSync(outDir), ['train_sklearn.py']);
  assert.equal(result.format, 'sklearn');
  assert.match(readFileSync(path.join(outDir, 'train_sklearn.py'), 'utf8'), /LogisticRegression/);

  const mlwb = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  const bad = mlwb('export', runDir, '--format', 'zip', '--out', path.join(outDir, '..', 'zip'));
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--format needs one of folder, onnx, container, sklearn, got "zip"/);
  const folder = mlwb('export', runDir, '--format', 'sklearn', '--out', path.join(outDir, '..', 'cli'), '--json');
  assert.equal(folder.status, 0, folder.stderr);
  assert.deepEqual((JSON.parse(folder.stdout) as { files: string[] }).files, ['train_sklearn.py']);
  writeFileSync(path.join(outDir, 'keep.txt'), 'mine');
  assert.throws(() => exportModel(runDir, outDir, { format: 'container', serviceBundle: __filename }), /exists and is not empty/);
});
