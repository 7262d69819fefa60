import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../../src/core/data/table';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { RunStore } from '../../../src/core/runs/store';
import { buildApp } from '../../../src/serve/app';
import { featureRecords, post, readCsv, trainedRun, withService } from './fixture';

test('every input shape answers the predictions and probabilities loadRunModel gives, over real HTTP', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const records = featureRecords('iris');
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const columns = Object.keys(records[0] as object);
    const { header, rows } = readCsv('iris');
    const csv = [header.slice(0, -1).join(','), ...rows.map((r) => r.slice(0, -1).join(','))].join('\n');
    const bodies: [string, string, string][] = [
      ['dataframe_records', JSON.stringify({ dataframe_records: records }), 'application/json'],
      ['dataframe_split', JSON.stringify({ dataframe_split: { columns, data: records.map((r) => columns.map((c) => r[c])) } }), 'application/json'],
      ['instances (objects)', JSON.stringify({ instances: records }), 'application/json'],
      ['instances (arrays)', JSON.stringify({ instances: records.map((r) => columns.map((c) => r[c])) }), 'application/json'],
      ['csv', csv, 'text/csv'],
      // Columns in another order than training: matched by name.
      [
        'dataframe_split reordered',
        JSON.stringify({ dataframe_split: { columns: [...columns].reverse(), data: records.map((r) => [...columns].reverse().map((c) => r[c])) } }),
        'application/json',
      ],
    ];
    const seenIds = new Set<string>();
    for (const [shape, body, type] of bodies) {
      const { status, json } = await post(`${url}/invocations`, body, type);
      assert.equal(status, 200, `${shape}: ${JSON.stringify(json)}`);
      assert.deepEqual(json.predictions, expected.predictions, shape);
      assert.deepEqual(json.probabilities, expected.probabilities, shape);
      assert.deepEqual(json.labels, ['setosa', 'versicolor', 'virginica'], shape);
      const ids = json.prediction_ids as string[];
      assert.equal(ids.length, 150, shape);
      for (const id of ids) seenIds.add(id);
    }
    assert.equal(seenIds.size, 150 * bodies.length, 'prediction ids are unique');
  });
});

test('a regression run answers numbers without probabilities', async () => {
  const runDir = await trainedRun('diabetes');
  await withService(runDir, async (url) => {
    const records = featureRecords('diabetes').slice(0, 20);
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const { status, json } = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: records }));
    assert.equal(status, 200);
    assert.deepEqual(json.predictions, expected.predictions);
    assert.equal(json.probabilities, undefined);
  });
});

test('feedback joins predictions by id, feeds live accuracy and is appended to feedback.jsonl with its row', async () => {
  const runDir = await trainedRun('iris');
  await withService({ runDir }, async (url) => {
    const { header, rows } = readCsv('iris');
    const records = featureRecords('iris');
    const picked = [0, 60, 120, 70, 140];
    const { json } = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: picked.map((i) => records[i]) }));
    const ids = json.prediction_ids as string[];
    const predictions = json.predictions as string[];
    const truth = picked.map((i) => (rows[i] as string[])[header.length - 1] as string);
    // One deliberately wrong label so accuracy is not trivially 1.
    const labels = [...truth];
    labels[0] = 'virginica';
    const answer = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids, labels }));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.accepted, 5);
    const correct = predictions.filter((p, i) => p === labels[i]).length;
    const feedback = answer.json.feedback as Record<string, number>;
    assert.equal(feedback.count, 5);
    assert.equal(feedback.accuracy, correct / 5);

    const lines = readFileSync(path.join(runDir, 'feedback.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => ids.includes(l.prediction_id as string));
    assert.equal(mine.length, 5);
    assert.deepEqual(mine[1]?.features, records[60]);
    assert.equal(mine[1]?.label, labels[1]);
    assert.equal(mine[1]?.prediction, predictions[1]);
    assert.ok(typeof mine[1]?.time === 'string' && typeof mine[1]?.predicted_at === 'string');

    const unknown = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: [ids[0], 'nope-1', 'nope-2'], labels: ['setosa', 'setosa', 'setosa'] }));
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json.prediction_ids, ['nope-1', 'nope-2']);
    const mismatch = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: [ids[0]], labels: ['a', 'b'] }));
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.error, 'length_mismatch');
    // Rejected feedback stores nothing.
    assert.equal(readFileSync(path.join(runDir, 'feedback.jsonl'), 'utf8').trim().split('\n').length, lines.length);

    const monitor = (await (await fetch(`${url}/monitor`)).json()) as Record<string, unknown>;
    assert.equal((monitor.feedback as Record<string, number>).accuracy, correct / 5);
    assert.equal((monitor.predictions as Record<string, number>).total, 5);
  });
  assert.ok(existsSync(path.join(runDir, 'feedback.jsonl')));
});

test('bad feedback answers 400 naming the problem and stores nothing: wrong types, unknown labels, values that are not finite or far outside the training range', async () => {
  const runDir = await trainedRun('iris');
  const file = path.join(runDir, 'feedback.jsonl');
  const stored = (): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  await withService({ runDir }, async (url, app) => {
    const { json } = await post(`${url}/invocations`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }));
    const ids = json.prediction_ids as string[];
    const before = stored();
    const cases: { name: string; body: string; error: string; mention: RegExp }[] = [
      {
        name: 'values on a classifier',
        body: JSON.stringify({ prediction_ids: ids, values: [1.5] }),
        error: 'wrong_type',
        mention: /this model is a classifier: send "labels" \(its classes: "setosa", "versicolor", "virginica"\), not "values"/,
      },
      {
        name: 'a number that is no class',
        body: JSON.stringify({ prediction_ids: ids, labels: [1.5] }),
        error: 'unknown_label',
        mention: /label 1, "1\.5" \(a number\), is not a class of this model \(classes: "setosa", "versicolor", "virginica"\); nothing was stored/,
      },
      {
        name: 'a boolean',
        body: JSON.stringify({ prediction_ids: ids, labels: [true] }),
        error: 'unknown_label',
        mention: /label 1, "true" \(a boolean\), is not a class/,
      },
      {
        name: 'a numeric string',
        body: JSON.stringify({ prediction_ids: ids, labels: ['3'] }),
        error: 'unknown_label',
        mention: /label 1, "3", is not a class/,
      },
      {
        name: 'an unknown class',
        body: JSON.stringify({ prediction_ids: ids, labels: ['Emperor'] }),
        error: 'unknown_label',
        mention: /"Emperor".*--accept-new-classes/,
      },
      {
        name: 'a 1,000,000-character label',
        body: JSON.stringify({ prediction_ids: ids, labels: ['x'.repeat(1_000_000)] }),
        error: 'wrong_type',
        mention: /^labels\.0 is longer than 200 characters/,
      },
      {
        name: 'an unknown key',
        body: JSON.stringify({ prediction_ids: ids, label: ['setosa'] }),
        error: 'invalid_shape',
        mention: /unexpected key "label"; \/feedback takes prediction_ids with "labels" \(classification\) or "values" \(regression\)$/,
      },
      {
        name: 'neither labels nor values',
        body: JSON.stringify({ prediction_ids: ids }),
        error: 'invalid_shape',
        mention: /send prediction_ids with "labels" .* or "values" .*: exactly one of the two/,
      },
    ];
    for (const c of cases) {
      const answer = await post(`${url}/feedback`, c.body);
      assert.equal(answer.status, 400, `${c.name}: ${JSON.stringify(answer.json).slice(0, 300)}`);
      assert.equal(answer.json.error, c.error, c.name);
      assert.match(String(answer.json.detail), c.mention, c.name);
      assert.ok(String(answer.json.detail).length < 600, `${c.name}: the message does not echo the request`);
    }
    assert.equal(stored(), before, 'nothing was written to feedback.jsonl');
    assert.equal(app.service.feedbackLog.total, 0);
    assert.equal((await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids, labels: ['setosa'] }))).status, 200);
  });

  // A regression run: its schema keeps the training target's range, which bounds the values.
  const diabetes = await trainedRun('diabetes');
  const targets = readCsv('diabetes').rows.map((row) => Number(row[row.length - 1]));
  const [min, max] = [Math.min(...targets), Math.max(...targets)];
  const schema = JSON.parse(readFileSync(path.join(diabetes, 'schema.json'), 'utf8')) as { target: { range?: { min: number; max: number } } };
  assert.deepEqual(schema.target.range, { min, max });
  // A run from before the range was kept falls back to its held-out target values.
  const older = mkdtempSync(path.join(tmpdir(), 'mlwb-serve-older-'));
  cpSync(diabetes, older, { recursive: true });
  writeFileSync(path.join(older, 'schema.json'), JSON.stringify({ ...schema, target: { name: 'progression', kind: 'numeric' } }));
  for (const runDir of [diabetes, older]) {
    await withService(runDir, async (ridgeUrl, ridge) => {
      const answer = await post(`${ridgeUrl}/invocations`, JSON.stringify({ dataframe_records: featureRecords('diabetes').slice(0, 2) }));
      const ids = answer.json.prediction_ids as string[];
      const poisoned = await post(`${ridgeUrl}/feedback`, JSON.stringify({ prediction_ids: ids, values: [1e308, -1e308] }));
      assert.equal(poisoned.status, 400, JSON.stringify(poisoned.json));
      assert.equal(poisoned.json.error, 'out_of_range');
      assert.match(
        String(poisoned.json.detail),
        /value 1, 1e\+308, is outside the range this service takes as feedback, -?\d+(\.\d+)? to \d+(\.\d+)?: the training target "progression" ran from/,
      );
      assert.equal(poisoned.json.row, 1);
      const infinite = await post(`${ridgeUrl}/feedback`, `{"prediction_ids": ${JSON.stringify(ids)}, "values": [100, 1e999]}`);
      assert.equal(infinite.json.error, 'wrong_type');
      assert.match(String(infinite.json.detail), /^values\.1 must be a finite number$/);
      assert.equal(ridge.service.feedbackLog.total, 0, 'nothing stored');
      // Valid feedback is scored: MAE and RMSE are numbers.
      const valid = await post(`${ridgeUrl}/feedback`, JSON.stringify({ prediction_ids: ids, values: [targets[0], targets[1]] }));
      assert.equal(valid.status, 200);
      const feedback = valid.json.feedback as { mae: number; rmse: number };
      assert.ok(Number.isFinite(feedback.mae) && Number.isFinite(feedback.rmse), JSON.stringify(feedback));
    });
  }
});

test('bad input answers 4xx with a code and the column or problem named', async () => {
  const runDir = await trainedRun('iris');
  const good = { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 };
  const { petal_width_cm: _dropped, ...missing } = good;
  const records = (rows: unknown[]): string => JSON.stringify({ dataframe_records: rows });
  const cases: { name: string; body: string; type?: string; status: number; error: string; mention?: string; column?: string }[] = [
    { name: 'missing column', body: records([missing]), status: 400, error: 'missing_column', column: 'petal_width_cm' },
    { name: 'extra column', body: records([{ ...good, colour: 'red' }]), status: 400, error: 'unknown_column', column: 'colour' },
    {
      name: 'string in numeric column',
      body: records([good, { ...good, sepal_width_cm: 'wide' }]),
      status: 400,
      error: 'wrong_type',
      column: 'sepal_width_cm',
      mention: 'row 2',
    },
    { name: 'numeric string in JSON', body: records([{ ...good, sepal_width_cm: '3.5' }]), status: 400, error: 'wrong_type', column: 'sepal_width_cm' },
    { name: 'boolean in numeric column', body: records([{ ...good, sepal_width_cm: true }]), status: 400, error: 'wrong_type', column: 'sepal_width_cm' },
    { name: 'object in numeric column', body: records([{ ...good, sepal_width_cm: { v: 1 } }]), status: 400, error: 'wrong_type', column: 'sepal_width_cm' },
    {
      name: 'missing value the pipeline cannot fill',
      body: records([{ ...good, petal_length_cm: null }]),
      status: 422,
      error: 'cannot_predict',
      mention: 'petal_length_cm',
    },
    { name: 'empty batch', body: records([]), status: 400, error: 'empty_batch' },
    { name: 'empty instances', body: JSON.stringify({ instances: [] }), status: 400, error: 'empty_batch' },
    {
      name: 'too many rows',
      body: records(Array.from({ length: 51 }, () => [1, 2, 3, 4])).replace('dataframe_records', 'instances'),
      status: 413,
      error: 'batch_too_large',
    },
    { name: 'oversized body', body: records(Array.from({ length: 100 }, () => good)), status: 413, error: 'body_too_large' },
    { name: 'malformed JSON', body: '{"dataframe_records": [{"sepal_length_cm": 5.1,}]}', status: 400, error: 'malformed_json' },
    { name: 'empty body', body: '', status: 400, error: 'empty_body' },
    { name: 'unknown shape', body: JSON.stringify({ rows: [good] }), status: 400, error: 'invalid_shape', mention: 'rows' },
    { name: 'two shapes', body: JSON.stringify({ dataframe_records: [good], instances: [good] }), status: 400, error: 'invalid_shape' },
    { name: 'records not objects', body: JSON.stringify({ dataframe_records: [1, 2] }), status: 400, error: 'invalid_shape', mention: 'dataframe_records.0' },
    { name: 'split without data', body: JSON.stringify({ dataframe_split: { columns: ['a'] } }), status: 400, error: 'invalid_shape', mention: 'data' },
    {
      name: 'split unknown column',
      body: JSON.stringify({ dataframe_split: { columns: ['sepal_length_cm', 'x'], data: [[1, 2]] } }),
      status: 400,
      error: 'unknown_column',
      column: 'x',
    },
    {
      name: 'split short row',
      body: JSON.stringify({ dataframe_split: { columns: Object.keys(good), data: [[1, 2, 3]] } }),
      status: 400,
      error: 'wrong_row_length',
      mention: 'row 1',
    },
    { name: 'instance arrays too short', body: JSON.stringify({ instances: [[1, 2, 3]] }), status: 400, error: 'wrong_row_length', mention: 'sepal_length_cm' },
    { name: 'mixed instances', body: JSON.stringify({ instances: [[1, 2, 3, 4], good] }), status: 400, error: 'mixed_instances' },
    { name: 'JSON array body', body: '[1,2,3]', status: 400, error: 'invalid_shape' },
    { name: 'wrong content type', body: 'a=1', type: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },
    { name: 'text/plain', body: records([good]), type: 'text/plain', status: 415, error: 'unsupported_media_type' },
    {
      name: 'csv unknown column',
      body: 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width,x\n1,2,3,4,5',
      type: 'text/csv',
      status: 400,
      error: 'unknown_column',
      column: 'petal_width',
    },
    {
      name: 'csv text in numeric column',
      body: 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n1,2,3,4\n1,two,3,4',
      type: 'text/csv',
      status: 400,
      error: 'wrong_type',
      column: 'sepal_width_cm',
      mention: 'row 2',
    },
    {
      name: 'csv unclosed quote',
      body: 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n"1,2,3,4',
      type: 'text/csv',
      status: 400,
      error: 'malformed_csv',
      mention: 'line 2',
    },
    { name: 'csv header only', body: 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n', type: 'text/csv', status: 400, error: 'empty_batch' },
  ];
  await withService({ runDir, writeFeedback: false, bodyLimit: 4096, maxBatchRows: 50 }, async (url) => {
    for (const c of cases) {
      const { status, json } = await post(`${url}/invocations`, c.body, c.type ?? 'application/json');
      assert.equal(status, c.status, `${c.name}: ${JSON.stringify(json)}`);
      assert.equal(json.error, c.error, `${c.name}: ${JSON.stringify(json)}`);
      assert.equal(typeof json.detail, 'string', c.name);
      if (c.column) {
        assert.equal(json.column, c.column, c.name);
        assert.ok((json.detail as string).includes(`"${c.column}"`), `${c.name}: ${String(json.detail)}`);
      }
      if (c.mention) assert.ok((json.detail as string).includes(c.mention), `${c.name}: ${String(json.detail)}`);
    }
    const notFound = await fetch(`${url}/predict`, { method: 'POST' });
    assert.equal(notFound.status, 404);
    assert.equal(((await notFound.json()) as { error: string }).error, 'not_found');
    // After all that, the service still predicts.
    const after = await post(`${url}/invocations`, records([good]));
    assert.equal(after.status, 200);
    assert.deepEqual(after.json.predictions, ['setosa']);
  });
});

test('a run that is not completed is refused in the words of its status: interrupted (killed), running, damaged', async () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'mlwb-serve-status-')));
  const killed = store.create('killed', 'killed.experiment.yaml', null);
  store.start(killed);
  killed.owner = { pid: 2 ** 22 + 4321, host: killed.owner?.host ?? '' }; // a process that is gone, as after kill -9
  store.save(killed);
  await assert.rejects(buildApp({ runDir: store.runDir(killed.id) }), /was interrupted: the process that trained it \(\d+\) ended before it completed/);
  const running = store.create('running', 'running.experiment.yaml', null);
  store.start(running);
  await assert.rejects(buildApp({ runDir: store.runDir(running.id) }), new RegExp(`run ${running.id} is still running \\(process ${process.pid}\\)`));
  const damaged = store.create('damaged', 'damaged.experiment.yaml', null);
  writeFileSync(path.join(store.runDir(damaged.id), 'run.json'), '{"id": "x", "status": "comp');
  await assert.rejects(buildApp({ runDir: store.runDir(damaged.id) }), /is damaged: .*run\.json cannot be read: the JSON ends early/);
});

test('with a token every route needs the bearer header', async () => {
  const runDir = await trainedRun('iris');
  await withService({ runDir, writeFeedback: false, token: 's3cret' }, async (url) => {
    assert.equal((await fetch(`${url}/ping`)).status, 401);
    assert.equal((await fetch(`${url}/health`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const body = JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] });
    assert.equal((await post(`${url}/invocations`, body)).status, 401);
    const ok = await post(`${url}/invocations`, body, 'application/json', { authorization: 'Bearer s3cret' });
    assert.equal(ok.status, 200);
  });
});

test('/ping, /health and /version describe the service', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const ping = await fetch(`${url}/ping`);
    assert.equal(ping.status, 200);
    const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { id: string };
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.status, 'ok');
    assert.equal(health.model, 'logistic_regression');
    assert.equal(health.run_id, run.id);
    assert.equal(health.experiment, 'iris-serve');
    assert.equal(health.requests, 0, 'probes (/ping, /health) are not requests: the view said "Requests 1" before any prediction');
    assert.ok((health.uptime_seconds as number) >= 0);
    const version = (await (await fetch(`${url}/version`)).json()) as Record<string, unknown>;
    const packageVersion = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(version.mlwb, packageVersion);
    assert.equal(version.node, process.version);
    assert.equal(version.model, 'logistic_regression');
  });
});
