import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  completionMessage,
  formatMetric,
  formatParamNumber,
  formatParamValue,
  headlineMetric,
  runDescription,
  runLabel,
  shortRunId,
  trialLabel,
  varyingParamNames,
} from '../../../src/core/runs/display';
import type { RunRecord } from '../../../src/core/runs/store';

const sweep = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'runs', 'svm-sweep.run.json'), 'utf8')) as RunRecord;

function run(fields: Partial<RunRecord>): RunRecord {
  return {
    id: '20261204-210403-iris-a3f9',
    experiment: 'iris',
    experimentFile: 'iris.experiment.yaml',
    snapshot: null,
    status: 'completed',
    createdAt: '2026-12-04T21:04:03Z',
    ...fields,
  };
}

test('parameter values are rounded to three significant digits, integers and lists as written', () => {
  assert.equal(formatParamNumber(2.537552333180031), '2.54');
  assert.equal(formatParamNumber(0.0017767186910373218), '0.00178');
  assert.equal(formatParamNumber(0.00020366057339431362), '0.000204');
  assert.equal(formatParamNumber(13.620378380472669), '13.6');
  assert.equal(formatParamNumber(0.1), '0.1');
  assert.equal(formatParamNumber(200), '200');
  assert.equal(formatParamNumber(1.5e-7), '1.5e-7');
  assert.equal(formatParamValue([64, 32]), '[64, 32]');
  assert.equal(formatParamValue('rbf'), 'rbf');
  assert.equal(formatParamValue(null), 'null');
  assert.equal(formatParamValue(true), 'true');
});

test('metrics keep four decimals below 1 and four significant digits above', () => {
  assert.equal(formatMetric(0.9732664995822891), '0.9733');
  assert.equal(formatMetric(0.98), '0.9800');
  assert.equal(formatMetric(53.21459), '53.21');
  assert.equal(formatMetric(-0.125), '-0.1250');
  assert.equal(formatMetric(123456.7), '123457');
  assert.equal(formatMetric(0.000123), '1.23e-4');
  assert.equal(formatMetric(Number.NaN), '—');
});

test('the short run id is the random suffix of the id', () => {
  assert.equal(shortRunId('20261204-210403-iris-svm-k2x9'), 'k2x9');
  assert.equal(shortRunId('custom'), 'custom');
});

test('varying parameters are those that differ between runs; runs without parameters are left out', () => {
  const runs = [run({ params: { C: 1, penalty: 'l2', max_iter: 200 } }), run({ params: { C: 0.1, penalty: 'l2', max_iter: 200 } }), run({ status: 'failed' })];
  assert.deepEqual(varyingParamNames(runs), ['C']);
  assert.deepEqual(varyingParamNames([run({ params: { C: 1 } }), run({ params: { C: 1, l1_ratio: 0.5 } })]), ['l1_ratio']);
  assert.deepEqual(varyingParamNames([run({ params: { C: 1 } })]), []);
});

test("a sweep's headline is its best trial's CV mean, the figure the leaderboard ranks by, not the refit's out-of-fold metric", () => {
  const headline = headlineMetric(sweep);
  assert.ok(headline);
  const best = sweep.best as { score: number; metric: string };
  assert.equal(headline.value, best.score);
  assert.notEqual(formatMetric(headline.value), formatMetric((sweep.metrics as { f1_macro: number }).f1_macro), 'the fixture shows the two figures apart');
  assert.equal(headline.name, 'f1_macro');
  assert.equal(headline.trial, 4);
  assert.equal(headline.definition, "best trial's CV mean of f1_macro over 5 folds (trial 5 of 12)");
  const message = completionMessage(sweep);
  assert.match(message, /best f1_macro 0\.9665, the trial's CV mean of f1_macro over 5 folds \(trial 5 of 12\)\.$/);
  assert.ok(!message.includes(formatMetric((sweep.metrics as { f1_macro: number }).f1_macro)), 'the refit figure is not shown beside the best');
  assert.equal(best.metric, 'f1_macro');
});

test('a cross-validated run without a search is judged by its out-of-fold key metric', () => {
  const record = run({ metrics: { accuracy: 0.96, f1_macro: 0.9599839935974389 }, cv: { folds: [{}, {}, {}], mean: {}, std: {} } });
  const headline = headlineMetric(record);
  assert.deepEqual(headline && { name: headline.name, value: headline.value, scope: headline.scope }, {
    name: 'f1_macro',
    value: 0.9599839935974389,
    scope: 'out-of-fold predictions of 3-fold cross-validation',
  });
  assert.equal(
    completionMessage(record),
    'Run a3f9 (iris) completed: accuracy 0.9600, f1_macro 0.9600 on the out-of-fold predictions of 3-fold cross-validation.',
  );
});

test('a run reads key metric first, then the experiment and its varying parameters; the description has the short id', () => {
  assert.equal(runLabel(sweep, ['C', 'gamma']), 'f1_macro 0.9665 · iris-svm C=7.16 gamma=0.0242');
  assert.equal(runLabel(run({ status: 'running', progress: 0.456 }), []), 'running 45% · iris', 'rounded down, as the progress model shows it');
  assert.equal(runLabel(run({ status: 'failed' }), ['C']), 'failed · iris');
  const now = new Date(sweep.startedAt as string);
  assert.equal(
    runDescription(sweep, now),
    `${shortRunId(sweep.id)} · ${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')} · 12 trials`,
  );
  assert.match(runDescription(run({}), new Date('2027-02-01T12:00:00Z')), /^a3f9 · Dec 4 2026$/);
});

test('a trial reads its score first, then its rounded parameters', () => {
  const trials = sweep.trials as { params: Record<string, unknown>; score: number }[];
  assert.equal(trialLabel(trials[0] as { params: Record<string, unknown>; score: number }, 0), '0.8584 · C=7.6 gamma=0.000156 kernel=rbf');
  assert.equal(trialLabel({ params: { C: 1 }, score: Number.NaN, error: 'bad' }, 1), 'failed · C=1');
});

test('the completion notification says when a run trained with warnings about its data: the first, and how many more', () => {
  const first = 'column "petal_width": 3 of 150 values are missing (blank, or not a number, such as n/a, NA or ?)';
  const one = completionMessage(run({ metrics: { accuracy: 0.96 }, warnings: [first] }));
  assert.ok(one.endsWith(` Warning: ${first}`), one);
  const three = completionMessage(run({ metrics: { accuracy: 0.96 }, warnings: [first, 'b', 'c'] }));
  assert.ok(three.endsWith(` Warning: ${first} (and 2 more warnings in its log)`), three);
  assert.ok(!completionMessage(run({ metrics: { accuracy: 0.96 } })).includes('Warning'), 'no warnings, no note');
});
