import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../../src/core/data/table';
import { exportRun } from '../../../src/core/export';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { findModelVersion, listModelVersions, setCurrentModelVersion } from '../../../src/core/runs/versions';
import { Random } from '../../../src/core/random';
import { parseServerArgs } from '../../../src/serve/process';
import { featureRecords, fixtures, listen, post, readCsv, trainedRun, trainInWorkspace, trainOnCsv } from './fixture';

type Row = { x1: number; x2: number };

/** Rows whose label is "yes" above `threshold` on x1: moving the threshold is a concept shift. */
function concept(rng: Random, n: number, threshold: number): { rows: Row[]; labels: string[] } {
  const rows = Array.from({ length: n }, () => ({ x1: rng.normal() * 1.5, x2: rng.normal() }));
  return { rows, labels: rows.map((r) => (r.x1 > threshold ? 'yes' : 'no')) };
}

/** A completed run of `model` trained on the first concept (threshold 0), in a new workspace. */
async function trainConcept(model: string, params = '{}'): Promise<string> {
  const { rows, labels } = concept(new Random(1), 400, 0);
  return trainOnCsv(
    'concept',
    ['x1,x2,label', ...rows.map((r, i) => `${r.x1},${r.x2},${labels[i]}`)],
    [
      'name: concept',
      'data: { path: concept.csv, target: label }',
      `model: { type: ${model}, params: ${params} }`,
      'validation: { method: holdout, test_size: 0.2 }',
      'seed: 3',
    ],
  );
}

async function predictAndLabel(url: string, rows: readonly Row[], labels: readonly string[]): Promise<string[]> {
  const answer = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: rows }));
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  const feedback = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: answer.json.prediction_ids, labels }));
  assert.equal(feedback.status, 200, JSON.stringify(feedback.json));
  return answer.json.predictions as string[];
}

function accuracy(predicted: readonly (string | number)[], labels: readonly string[]): number {
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}

test('online updates: feedback from a shifted concept makes new model versions that predict it better, saved beside the trained model', async () => {
  const runDir = await trainConcept('logistic_regression');
  const trainedModel = readFileSync(path.join(runDir, 'model.json'), 'utf8');
  const rng = new Random(9);
  const heldOut = concept(rng, 400, 1);
  const before = (await loadRunModel(runDir)).predict(tableFromRecords(heldOut.rows)).predictions;
  const { app, url } = await listen({ runDir, online: { minRows: 50, learningRate: 0.1 } });
  try {
    for (let batch = 0; batch < 12; batch++) {
      const { rows, labels } = concept(rng, 50, 1);
      await predictAndLabel(url, rows, labels);
      await app.service.online?.idle();
    }
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.model_version, 13, 'one version per 50 labelled rows, after the trained version 1');
    assert.equal(health.online_updates, 'on');

    const versions = listModelVersions(runDir);
    assert.deepEqual(
      versions.map((v) => v.version),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    );
    const last = versions[12];
    assert.equal(last?.source, 'online');
    assert.equal(last?.parent, 12);
    assert.equal(last?.rows, 50);
    assert.equal(last?.onlineRows, 600);
    for (const v of versions.slice(1)) assert.ok(existsSync(path.join(runDir, v.dir, 'model.json')), `version ${v.version} has its model`);
    assert.equal(readFileSync(path.join(runDir, 'model.json'), 'utf8'), trainedModel, 'the trained model is never overwritten');

    // The newest version serves, and knows the new concept better than the trained one.
    const served = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: heldOut.rows }));
    const after = served.json.predictions as string[];
    const gain = accuracy(after, heldOut.labels) - accuracy(before, heldOut.labels);
    assert.ok(
      gain > 0.1,
      `held-out accuracy on the new concept ${accuracy(before, heldOut.labels).toFixed(3)} → ${accuracy(after, heldOut.labels).toFixed(3)}`,
    );

    // The monitor reports each version with the feedback on the predictions it made.
    const monitor = (await (await fetch(`${url}/monitor`)).json()) as {
      modelVersion: number;
      versions: { version: number; feedback: { count: number; accuracy?: number } }[];
      online: { updates: number; pendingRows: number; supported: boolean };
    };
    assert.equal(monitor.modelVersion, 13);
    assert.equal(monitor.online.updates, 12);
    assert.equal(monitor.online.supported, true);
    assert.equal(monitor.versions.length, 13);
    assert.equal(monitor.versions[0]?.feedback.count, 50, 'version 1 made the first 50 predictions');
    assert.equal(monitor.versions[12]?.feedback.count, 0, 'nothing the newest version predicted has feedback yet');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^mlwb_model_version 13$/m);
    assert.match(metrics, /^mlwb_online_updates_total 12$/m);
    const lines = readFileSync(path.join(runDir, 'feedback.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model_version: number });
    assert.equal(lines.length, 600);
    assert.deepEqual([lines[0]?.model_version, lines[50]?.model_version, lines[599]?.model_version], [1, 2, 12]);
  } finally {
    await app.close();
  }

  // A restarted service loads the newest version; loadRunModel can still load any older one.
  const { app: again, url: againUrl } = await listen({ runDir });
  try {
    const health = (await (await fetch(`${againUrl}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.model_version, 13);
    assert.equal(health.online_updates, 'off');
    const latest = (await loadRunModel(runDir)).predict(tableFromRecords(heldOut.rows)).predictions;
    const served = await post(`${againUrl}/invocations`, JSON.stringify({ dataframe_records: heldOut.rows }));
    assert.deepEqual(served.json.predictions, latest);
    assert.deepEqual((await loadRunModel(runDir, 1)).predict(tableFromRecords(heldOut.rows)).predictions, before);
    await assert.rejects(loadRunModel(runDir, 99), /model version 99 does not exist/);
  } finally {
    await again.close();
  }

  // An export carries the versions and serves the newest.
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-online-export-')), 'model');
  const exported = exportRun(runDir, out);
  assert.ok(exported.files.includes('versions/'));
  assert.equal((await loadRunModel(out)).version.version, 13);
});

test('online updates of naive Bayes and ridge; with --accept-new-classes, labels of unknown classes are kept for retraining, left out of updates and reported', async () => {
  const runDir = await trainConcept('naive_bayes');
  const { app, url } = await listen({ runDir, acceptNewClasses: true, online: { minRows: 10 } });
  try {
    const { rows, labels } = concept(new Random(4), 10, 1);
    await predictAndLabel(
      url,
      rows,
      labels.map((l, i) => (i < 3 ? 'maybe' : l)),
    );
    await app.service.online?.idle();
    const monitor = (await (await fetch(`${url}/monitor`)).json()) as {
      modelVersion: number;
      online: { lastError?: string };
      versions: { skippedRows?: number; rows?: number }[];
    };
    assert.equal(monitor.modelVersion, 2);
    assert.equal(monitor.versions[1]?.rows, 7);
    assert.equal(monitor.versions[1]?.skippedRows, 3);
    assert.match(monitor.online.lastError ?? '', /3 row\(s\) with unknown classes/);
  } finally {
    await app.close();
  }

  const diabetes = await trainedRun('diabetes');
  const { app: ridge, url: ridgeUrl } = await listen({ runDir: diabetes, writeFeedback: false, online: { minRows: 20 } });
  try {
    const { rows } = readCsv('diabetes');
    const records = featureRecords('diabetes').slice(0, 20);
    const answer = await post(`${ridgeUrl}/invocations`, JSON.stringify({ dataframe_records: records }));
    const values = rows.slice(0, 20).map((r) => Number(r[r.length - 1]));
    assert.equal((await post(`${ridgeUrl}/feedback`, JSON.stringify({ prediction_ids: answer.json.prediction_ids, values }))).status, 200);
    await ridge.service.online?.idle();
    const monitor = (await (await fetch(`${ridgeUrl}/monitor`)).json()) as {
      modelVersion: number;
      versions: { version: number; feedback: { count: number; mae?: number } }[];
    };
    assert.equal(monitor.modelVersion, 2);
    const predicted = answer.json.predictions as number[];
    const mae = predicted.reduce((sum, p, i) => sum + Math.abs(p - (values[i] as number)), 0) / 20;
    assert.ok(Math.abs((monitor.versions[0]?.feedback.mae ?? 0) - mae) < 1e-9, 'version 1 is scored on its own predictions');
    assert.equal(listModelVersions(diabetes).length, 1, 'writeFeedback: false keeps the versions in memory');
  } finally {
    await ridge.close();
  }
});

test('going back to an older model version: a restarted service serves it, and online updates continue from it', async () => {
  const runDir = await trainConcept('naive_bayes');
  const rng = new Random(11);
  const first = await listen({ runDir, online: { minRows: 10 } });
  try {
    for (let i = 0; i < 2; i++) {
      const { rows, labels } = concept(rng, 10, 1);
      await predictAndLabel(first.url, rows, labels);
      await first.app.service.online?.idle();
    }
    assert.equal(first.app.service.modelVersion, 3);
  } finally {
    await first.app.close();
  }
  assert.throws(() => setCurrentModelVersion(runDir, 9), /model version 9 does not exist in .*; versions: 1, 2, 3/);
  assert.equal(setCurrentModelVersion(runDir, 2).version, 2);
  assert.equal(findModelVersion(runDir).version, 2);
  const second = await listen({ runDir, online: { minRows: 10 } });
  try {
    const health = (await (await fetch(`${second.url}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.model_version, 2, 'the version gone back to serves');
    const { rows, labels } = concept(rng, 10, 1);
    await predictAndLabel(second.url, rows, labels);
    await second.app.service.online?.idle();
    const monitor = (await (await fetch(`${second.url}/monitor`)).json()) as { modelVersion: number; versions: { version: number; parent?: number }[] };
    assert.equal(monitor.modelVersion, 4);
    assert.deepEqual(
      monitor.versions.map((v) => [v.version, v.parent]),
      [
        [1, undefined],
        [2, 1],
        [3, 2],
        [4, 2],
      ],
      'version 3 is kept; 4 grows from 2',
    );
  } finally {
    await second.app.close();
  }
  assert.equal(findModelVersion(runDir).version, 4, 'a new version serves from then on');
});

test('an MLP is updated online too: its versions are saved in tfjs format and load again', async () => {
  const runDir = await trainConcept('mlp', '{ hidden_layer_sizes: [8], max_iter: 30, batch_size: 32 }');
  const rng = new Random(12);
  const heldOut = concept(rng, 100, 1);
  const { app, url } = await listen({ runDir, online: { minRows: 20, learningRate: 0.01 } });
  let served: string[];
  try {
    const { rows, labels } = concept(rng, 20, 1);
    await predictAndLabel(url, rows, labels);
    await app.service.online?.idle();
    assert.equal(app.service.modelVersion, 2, JSON.stringify(app.service.online?.status()));
    served = (await post(`${url}/invocations`, JSON.stringify({ dataframe_records: heldOut.rows }))).json.predictions as string[];
  } finally {
    await app.close();
  }
  assert.ok(existsSync(path.join(runDir, 'versions', '2', 'model', 'model.json')), 'tfjs layers format');
  const reloaded = await loadRunModel(runDir);
  assert.equal(reloaded.version.version, 2);
  assert.deepEqual(reloaded.predict(tableFromRecords(heldOut.rows)).predictions, served, 'the saved version predicts as the served one did');
});

test('a model type that cannot learn online is served as trained, and says so', async () => {
  const runDir = await trainConcept('decision_tree');
  const { app, url } = await listen({ runDir, online: { minRows: 1 } });
  try {
    const { rows, labels } = concept(new Random(5), 5, 1);
    await predictAndLabel(url, rows, labels);
    await app.service.online?.idle();
    const monitor = (await (await fetch(`${url}/monitor`)).json()) as { modelVersion: number; online: { supported: boolean; reason?: string } };
    assert.equal(monitor.modelVersion, 1);
    assert.equal(monitor.online.supported, false);
    assert.match(monitor.online.reason ?? '', /decision_tree cannot learn online; online updates work for .*logistic_regression/);
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.online_updates, 'unsupported');
  } finally {
    await app.close();
  }
});

/** A completed ridge run on the diabetes fixture in a new workspace (its versions are written there). */
async function trainDiabetes(): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-online-ridge-'));
  cpSync(path.join(fixtures, 'datasets', 'diabetes.csv'), path.join(root, 'diabetes.csv'));
  return trainInWorkspace(root, 'diabetes', [
    'name: diabetes',
    'data: { path: diabetes.csv, target: progression }',
    'task: regression',
    'model: { type: ridge, params: { alpha: 1.0 } }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 7',
  ]);
}

test('online updates are checked on rows they did not learn from: a poisoned update is kept as a version but not served, the monitor says why, and later updates grow from the serving version', async () => {
  const runDir = await trainDiabetes();
  const records = featureRecords('diabetes');
  const truth = readCsv('diabetes').rows.map((row) => Number(row[row.length - 1]));
  const range = (JSON.parse(readFileSync(path.join(runDir, 'schema.json'), 'utf8')) as { target: { range: { min: number; max: number } } }).target.range;
  // Within the range /feedback takes (the training range widened by its width), so only the check can stop it.
  const poison = range.max + 0.9 * (range.max - range.min);
  const probe = records.slice(0, 5);
  const { app, url } = await listen({ runDir, online: { minRows: 40 } });
  const send = async (from: number, count: number, poisoned: boolean): Promise<void> => {
    const rows = Array.from({ length: count }, (_, i) => from + i);
    const answer = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: rows.map((r) => records[r]) }));
    const values = rows.map((r) => (poisoned ? poison : (truth[r] as number)));
    const feedback = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: answer.json.prediction_ids, values }));
    assert.equal(feedback.status, 200, JSON.stringify(feedback.json));
    await app.service.online?.idle();
  };
  try {
    const before = (await post(`${url}/invocations`, JSON.stringify({ dataframe_records: probe }))).json.predictions as number[];
    assert.equal(app.service.online?.status().checkOn, 'training', 'before any feedback, the training sample checks updates');
    await send(0, 40, true);
    const monitor = (await (await fetch(`${url}/monitor`)).json()) as {
      modelVersion: number;
      versions: { version: number; heldBack?: string; check?: { source: string; metric: string; rows: number; candidate: number; serving: number } }[];
      online: { updates: number; heldBack: number; lastError?: string; checkOn: string };
    };
    assert.equal(monitor.modelVersion, 1, 'the trained version still serves');
    const held = monitor.versions[1];
    assert.equal(held?.version, 2);
    assert.deepEqual([held?.check?.source, held?.check?.metric], ['training', 'rmse']);
    assert.ok((held?.check?.rows ?? 0) >= 300, JSON.stringify(held?.check));
    assert.ok((held?.check?.candidate ?? 0) > 1.05 * (held?.check?.serving ?? 0), JSON.stringify(held?.check));
    assert.match(
      held?.heldBack ?? '',
      /^not served: on \d+ rows of the training data its RMSE is [\d.]+ against [\d.]+ for version 1 \(higher by more than the margin of 5%\); version 1 goes on serving$/,
    );
    assert.deepEqual([monitor.online.updates, monitor.online.heldBack], [1, 1]);
    assert.match(monitor.online.lastError ?? '', /^version 2 is kept but not served/);
    assert.equal(monitor.online.checkOn, 'feedback', 'from now on the earlier feedback checks updates');
    const after = (await post(`${url}/invocations`, JSON.stringify({ dataframe_records: probe }))).json.predictions as number[];
    assert.deepEqual(after, before, 'predictions did not move');
    // Kept on disk, listed, but the index still serves version 1 (after a restart too).
    assert.ok(existsSync(path.join(runDir, 'versions', '2', 'model.json')));
    assert.equal(findModelVersion(runDir).version, 1);
    assert.match(listModelVersions(runDir)[1]?.heldBack ?? '', /^not served/);

    await send(40, 40, false); // the next update grows from version 1, not from the held-back 2
    const versions = listModelVersions(runDir);
    assert.equal(versions[2]?.version, 3);
    assert.equal(versions[2]?.parent, 1);
    assert.equal(versions[2]?.check?.source, 'feedback');
  } finally {
    await app.close();
  }
});

test('the check lets updates that learn a shifted concept serve, and holds back ones taught flipped labels', async () => {
  const runDir = await trainConcept('logistic_regression');
  const rng = new Random(21);
  const heldOut = concept(rng, 400, 1);
  const { app, url } = await listen({ runDir, online: { minRows: 40, learningRate: 0.1 } });
  try {
    const before = accuracy(
      (await post(`${url}/invocations`, JSON.stringify({ dataframe_records: heldOut.rows }))).json.predictions as string[],
      heldOut.labels,
    );
    for (let batch = 0; batch < 8; batch++) {
      const { rows, labels } = concept(rng, 40, 1);
      await predictAndLabel(url, rows, labels);
      await app.service.online?.idle();
    }
    const served = app.service.modelVersion;
    const learning = app.service.online?.status();
    assert.ok(served >= 7, `updates served: ${JSON.stringify(learning)}`);
    const learnt = accuracy(
      (await post(`${url}/invocations`, JSON.stringify({ dataframe_records: heldOut.rows }))).json.predictions as string[],
      heldOut.labels,
    );
    assert.ok(learnt > before + 0.1, `held-out accuracy ${before.toFixed(3)} → ${learnt.toFixed(3)}`);

    // Labels flipped: checked on the earlier (true) feedback, the update is held back.
    const { rows, labels } = concept(rng, 40, 1);
    await predictAndLabel(
      url,
      rows,
      labels.map((label) => (label === 'yes' ? 'no' : 'yes')),
    );
    await app.service.online?.idle();
    const status = app.service.online?.status();
    assert.equal(status?.heldBack, (learning?.heldBack ?? 0) + 1, JSON.stringify(status));
    assert.equal(app.service.modelVersion, served, 'the flipped update did not serve');
    assert.match(
      status?.lastError ?? '',
      /is kept but not served: on \d+ rows of earlier feedback its accuracy is [\d.]+ against [\d.]+ for version \d+ \(lower by more than the margin of 0\.05\)/,
    );
  } finally {
    await app.close();
  }
});

test('server arguments: --online with its row count and learning rate', () => {
  assert.equal(parseServerArgs(['--run', 'r']).online, undefined);
  assert.deepEqual(parseServerArgs(['--run', 'r', '--online']).online, { minRows: 20 });
  assert.deepEqual(parseServerArgs(['--run', 'r', '--online', '--online-rows', '5', '--online-learning-rate', '0.05']).online, {
    minRows: 5,
    learningRate: 0.05,
  });
  assert.throws(() => parseServerArgs(['--run', 'r', '--online-rows', '0']), /--online-rows needs an integer from 1/);
  assert.throws(() => parseServerArgs(['--run', 'r', '--online-learning-rate', 'fast']), /--online-learning-rate needs a number above 0/);
  assert.deepEqual(parseServerArgs(['--run', 'r', '--online', '--online-margin', '0.1']).online, { minRows: 20, margin: 0.1 });
  assert.throws(() => parseServerArgs(['--run', 'r', '--online-margin', '-1']), /--online-margin needs a number from 0 to 1/);
});
