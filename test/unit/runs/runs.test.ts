import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readTable } from '../../../src/core/datasets';
import { splitTarget } from '../../../src/core/data/target';
import { trainExperiment } from '../../../src/core/experiment/train';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { executeRun, finishUnsuccessful, progressFraction } from '../../../src/core/runs/execute';
import { loadExperimentFile, parseExperiment } from '../../../src/core/runs/experimentFile';
import { RunStore } from '../../../src/core/runs/store';
import { experimentWorkspace } from './workspace';

function workspace(): string {
  return experimentWorkspace('mlwb-runs-', 'iris.experiment.yaml', [
    'name: iris',
    'data: { path: iris.csv, target: species }',
    'prepare:',
    '  - scale: { method: standard }',
    'model: { type: decision_tree, params: { max_depth: 3 } }',
    'validation: { method: kfold, folds: 5 }',
    'seed: 3',
  ]).root;
}

test('executeRun records a completed run whose saved model predicts like the core model of the same seed', async () => {
  const root = workspace();
  const events: string[] = [];
  const record = await executeRun({ workspaceRoot: root, experimentFile: path.join(root, 'iris.experiment.yaml'), onEvent: (e) => events.push(e.type) });
  assert.equal(record.status, 'completed', record.reason);
  assert.equal(events[0], 'started');
  assert.equal(events.at(-1), 'finished');
  const store = new RunStore(root);
  assert.deepEqual(
    store.list().map((r) => r.id),
    [record.id],
  );
  const dir = store.runDir(record.id);
  for (const file of ['run.json', 'metrics.jsonl', 'log.txt', 'model.json', 'pipeline.json', 'schema.json', 'reference.json'])
    assert.ok(existsSync(path.join(dir, file)), file);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')).rows, 150);

  const table = await readTable(path.join(root, 'iris.csv'));
  const loaded = loadExperimentFile(path.join(root, 'iris.experiment.yaml'));
  assert.ok(loaded.experiment);
  const direct = await trainExperiment(loaded.experiment, table);
  assert.deepEqual(record.metrics, direct.metrics);
  const { features } = splitTarget(table, 'species');
  const served = await loadRunModel(dir);
  const fromCore = Array.from(direct.model.predict(direct.pipeline.transform(features) as never) as ArrayLike<string>);
  assert.deepEqual(served.predict(features).predictions, fromCore);
  assert.equal(served.predict(features).probabilities?.[0]?.length, 3);
  assert.deepEqual(served.schema.labels, ['setosa', 'versicolor', 'virginica']);
});

test('a bad experiment leaves a failed run with the problem and its line', async () => {
  const root = workspace();
  const file = path.join(root, 'bad.experiment.yaml');
  writeFileSync(file, 'name: bad\ndata: { path: iris.csv, target: species }\nmodel:\n  type: deep_magic\n');
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'failed');
  assert.match(record.reason ?? '', /bad\.experiment\.yaml:4:\d+: model\.type/);
});

test('a missing target column fails the run with a message naming the column', async () => {
  const root = workspace();
  const file = path.join(root, 'target.experiment.yaml');
  writeFileSync(file, 'data: { path: iris.csv, target: kind }\nmodel: { type: decision_tree }\n');
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'failed');
  assert.match(record.reason ?? '', /"kind" not found/);
});

test('a target with too many classes fails the run with its reason in run.json; a run whose results cannot be saved is still marked failed', async () => {
  const root = workspace();
  writeFileSync(path.join(root, 'ids.csv'), ['x,id', ...Array.from({ length: 3000 }, (_, i) => `${i % 7},c${i}`)].join('\n') + '\n');
  writeFileSync(
    path.join(root, 'ids.experiment.yaml'),
    'data: { path: ids.csv, target: id }\ntask: classification\nmodel: { type: logistic_regression }\nvalidation: { method: holdout, stratify: false }\n',
  );
  const record = await executeRun({ workspaceRoot: root, experimentFile: path.join(root, 'ids.experiment.yaml') });
  assert.equal(record.status, 'failed');
  const saved = new RunStore(root).get(record.id);
  assert.equal(saved?.status, 'failed', 'run.json does not stay "running"');
  assert.match(saved?.reason ?? '', /target "id" has 3,000 classes over 3,000 rows; classification takes at most 1,000/);

  // Results that JSON cannot hold (here a BigInt; in the pass, a string too long for V8) are dropped, the failure kept.
  const store = new RunStore(root);
  const broken = store.create('broken', 'broken.experiment.yaml', null);
  store.start(broken);
  broken.metrics = { huge: 1n };
  finishUnsuccessful(store, broken, 'failed', 'the run finished but its results could not be saved to run.json: Invalid string length');
  const kept = store.get(broken.id);
  assert.equal(kept?.status, 'failed');
  assert.equal(kept?.metrics, undefined);
  assert.match(
    kept?.reason ?? '',
    /^the run finished but its results could not be saved to run\.json: Invalid string length \(its results were not kept: Do not know how to serialize a BigInt\)$/,
  );
});

test('an aborted signal leaves a cancelled run', async () => {
  const root = workspace();
  const controller = new AbortController();
  controller.abort();
  const record = await executeRun({ workspaceRoot: root, experimentFile: path.join(root, 'iris.experiment.yaml'), signal: controller.signal });
  assert.equal(record.status, 'cancelled');
});

test('a run left running by a process that is gone reads as interrupted', () => {
  const root = workspace();
  const store = new RunStore(root);
  const record = store.create('x', 'x.experiment.yaml', null);
  store.start(record);
  assert.equal(store.get(record.id)?.status, 'running');
  record.owner = { pid: 2 ** 22 + 12345, host: record.owner?.host ?? '' };
  store.save(record);
  assert.equal(store.get(record.id)?.status, 'interrupted');
  assert.match(
    store.get(record.id)?.reason ?? '',
    /^the process that ran it \(pid 4206649 on .*\) ended before the run finished: it was killed \(kill -9, or the machine stopped\) or crashed/,
  );
});

test('the progress of a run only grows, from its first fold through the refit on all rows', async () => {
  const root = workspace();
  writeFileSync(
    path.join(root, 'holdout.experiment.yaml'),
    [
      'data: { path: iris.csv, target: species }',
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: logistic_regression, params: { max_iter: 50 } }',
      'validation: { method: holdout }',
      '',
    ].join('\n'),
  );
  const seen: { fraction: number; stage: string }[] = [];
  const record = await executeRun({
    workspaceRoot: root,
    experimentFile: path.join(root, 'holdout.experiment.yaml'),
    onEvent: (event) => {
      if (event.type === 'progress') seen.push({ fraction: event.fraction, stage: event.event.stage });
    },
  });
  assert.equal(record.status, 'completed', record.reason);
  // The hold-out's one fold read 99% at its first event, then the refit started again from 0.
  assert.ok((seen[0]?.fraction ?? 1) < 0.1, `first ${JSON.stringify(seen[0])}`);
  for (let i = 1; i < seen.length; i++)
    assert.ok((seen[i]?.fraction ?? 0) >= (seen[i - 1]?.fraction ?? 0), `event ${i} went back: ${JSON.stringify(seen.slice(i - 1, i + 1))}`);
  const refit = seen.findIndex((e) => e.stage === 'refit');
  assert.ok(refit > 0 && (seen[refit]?.fraction ?? 0) >= 0.5, 'the refit starts where evaluation ended, half way for one fold');
  assert.ok((seen.at(-1)?.fraction ?? 0) > 0.5 && (seen.at(-1)?.fraction ?? 1) <= 0.99);
});

test('a run.json cut short is listed as damaged, with where it broke, and its files are kept', () => {
  const root = workspace();
  const store = new RunStore(root);
  const good = store.create('iris', 'iris.experiment.yaml', null);
  store.finish(good, 'completed');
  const cut = store.create('sentiment', 'sentiment.experiment.yaml', { name: 'sentiment' });
  const file = path.join(store.runDir(cut.id), 'run.json');
  writeFileSync(path.join(store.runDir(cut.id), 'model.json'), '{}');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.slice(0, text.indexOf('"snapshot"') + 20));

  const listed = store.list();
  assert.deepEqual(
    listed.map((r) => [r.id, r.status]).sort(),
    [
      [cut.id, 'damaged'],
      [good.id, 'completed'],
    ].sort(),
  );
  const damaged = store.get(cut.id);
  assert.equal(damaged?.status, 'damaged');
  assert.equal(damaged?.experiment, 'sentiment', 'the name is salvaged from the part that is left');
  assert.equal(damaged?.experimentFile, 'sentiment.experiment.yaml');
  assert.match(damaged?.reason ?? '', /run\.json cannot be read: the JSON ends early, at line 6, column \d+: the file was cut short/);
  assert.ok(existsSync(path.join(store.runDir(cut.id), 'model.json')), 'nothing is deleted');
  assert.equal(readFileSync(file, 'utf8').length, text.indexOf('"snapshot"') + 20, 'nor rewritten');

  writeFileSync(file, '{"id": "x",\n "status": tru}');
  assert.match(store.get(cut.id)?.reason ?? '', /not valid JSON: Unexpected token/);
  writeFileSync(file, '[]');
  assert.match(store.get(cut.id)?.reason ?? '', /not a run record/);
  writeFileSync(file, '');
  assert.match(store.get(cut.id)?.reason ?? '', /the file is empty/);
});

test('parseExperiment places problems on their lines and reports a missing data file', () => {
  const text = 'name: x\ndata:\n  path: nowhere.csv\n  target: y\nmodel:\n  type: logistic_regression\n  params: { C: -1 }\n';
  const loaded = parseExperiment('/tmp/x.experiment.yaml', text);
  const byPath = new Map(loaded.problems.map((p) => [p.path, p]));
  assert.equal(byPath.get('model.params.C')?.line, 7);
  assert.equal(byPath.get('data.path')?.line, 3);
  assert.match(byPath.get('data.path')?.message ?? '', /file not found/);
});

test('a 10 MB experiment file is refused before it is parsed, naming its size and the limit', async () => {
  const root = workspace();
  const file = path.join(root, 'huge.experiment.yaml');
  const steps = '  - scale: {}\n'.repeat((10 * 1024 * 1024) / 14);
  writeFileSync(file, `name: huge\ndata: { path: iris.csv, target: species }\nmodel: { type: decision_tree }\nprepare:\n${steps}`);
  const started = Date.now();
  const loaded = loadExperimentFile(file);
  assert.equal(loaded.experiment, undefined);
  assert.deepEqual(
    loaded.problems.map((p) => [p.line, p.column, p.message]),
    [[1, 1, 'the experiment file is 10.0 MB; an experiment file is at most 64 KB (the data belongs in the file data.path names)']],
  );
  // The editor hands parseExperiment the text: the same limit, before YAML sees it.
  assert.match(parseExperiment(file, readFileSync(file, 'utf8')).problems[0]?.message ?? '', /is 10\.0 MB; an experiment file is at most 64 KB/);
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'failed');
  assert.match(record.reason ?? '', /huge\.experiment\.yaml:1:1: the experiment file is 10\.0 MB/);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms (232 s and 2 GB before)`);
});

test('progressFraction nests steps inside folds inside trials', () => {
  assert.equal(progressFraction({ stage: 'fit', step: 5, of: 10 }), 0.5);
  assert.equal(progressFraction({ stage: 'fold', step: 1, of: 1, fold: 1, folds: 1 }), 0, 'a fold event opens its fold');
  assert.equal(progressFraction({ stage: 'trial', step: 2, of: 4, trial: 2, trials: 4 }), 0.5, 'a trial event closes its trial');
  assert.equal(progressFraction({ stage: 'fit', step: 5, of: 10, fold: 2, folds: 5 }), 0.3);
  assert.equal(progressFraction({ stage: 'fit', step: 0, of: 10, fold: 1, folds: 2, trial: 2, trials: 2 }), 0.5);
});

test('a regression run keeps its held-out predictions, whose RMSE is the reported one', async () => {
  const { root, file } = experimentWorkspace(
    'mlwb-runs-',
    'd.experiment.yaml',
    ['data: { path: diabetes.csv, target: progression }', 'task: regression', 'model: { type: ridge }', 'validation: { method: holdout, test_size: 0.2 }'],
    'diabetes.csv',
  );
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'completed', record.reason);
  const { actual, predicted } = record.predictions ?? { actual: [], predicted: [] };
  assert.equal(actual.length, Math.ceil(442 * 0.2));
  const rmse = Math.sqrt(actual.reduce((sum, a, i) => sum + (a - (predicted[i] as number)) ** 2, 0) / actual.length);
  assert.ok(Math.abs(rmse - (record.metrics as { rmse: number }).rmse) < 1e-9);
});

test('retraining with feedback adds the labelled requests to the data and records their provenance', async () => {
  const root = workspace();
  const experimentFile = path.join(root, 'iris.experiment.yaml');
  const first = await executeRun({ workspaceRoot: root, experimentFile });
  const store = new RunStore(root);
  const line = (id: string, label: string, petal: number) =>
    JSON.stringify({
      time: new Date().toISOString(),
      run_id: first.id,
      prediction_id: id,
      features: { sepal_length_cm: 5.0, sepal_width_cm: 3.0, petal_length_cm: petal, petal_width_cm: 0.3 },
      prediction: 'setosa',
      label,
    });
  // p-2 is labelled twice: the later label counts once; a cut line is skipped.
  writeFileSync(
    path.join(store.runDir(first.id), 'feedback.jsonl'),
    [line('p-1', 'setosa', 1.4), line('p-2', 'setosa', 1.5), line('p-2', 'versicolor', 4.5), '{"cut'].join('\n') + '\n',
  );
  const second = await executeRun({ workspaceRoot: root, experimentFile, feedbackFrom: first.id });
  assert.equal(second.status, 'completed', second.reason);
  assert.equal(second.data?.rows, 152);
  assert.deepEqual(second.retrainedFrom, { runId: first.id, feedbackRows: 2, skippedLines: 1, file: 'feedback-rows.jsonl' });
  const kept = readFileSync(path.join(store.runDir(second.id), 'feedback-rows.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { label: string });
  assert.deepEqual(
    kept.map((l) => l.label),
    ['setosa', 'versicolor'],
  );

  const none = await executeRun({ workspaceRoot: root, experimentFile, feedbackFrom: second.id });
  assert.equal(none.status, 'failed');
  assert.match(none.reason ?? '', /no labelled feedback/);
});
