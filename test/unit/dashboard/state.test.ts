import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/store';
import { isHostMessage, isWebviewMessage, persistedState } from '../../../src/extension/dashboard/contract';
import { curvesFromLines, meanLossCurve, MAX_SERIES } from '../../../src/extension/dashboard/curves';
import { compareState, dashboardState, leaderboardState } from '../../../src/extension/dashboard/state';

function record(overrides: Partial<RunRecord> & { id: string }): RunRecord {
  return { experiment: 'iris', experimentFile: 'iris.experiment.yaml', snapshot: null, status: 'completed', createdAt: '2026-01-01T00:00:00Z', ...overrides };
}

const cvLines = [
  { stage: 'fold', step: 1, of: 2, fold: 1, folds: 2 },
  { stage: 'train', step: 1, of: 2, loss: 1.0, fold: 1, folds: 2, metrics: { accuracy: 0.4, val_accuracy: 0.3 } },
  { stage: 'train', step: 2, of: 2, loss: 0.5, fold: 1, folds: 2, metrics: { accuracy: 0.6, val_accuracy: 0.5 } },
  { stage: 'fold', step: 2, of: 2, fold: 2, folds: 2 },
  { stage: 'train', step: 1, of: 2, loss: 3.0, fold: 2, folds: 2 },
  { stage: 'train', step: 2, of: 2, loss: 1.5, fold: 2, folds: 2 },
  { stage: 'refit train', step: 1, of: 2, loss: 0.9 },
  { stage: 'refit train', step: 2, of: 2, loss: 0.4 },
];

test('curves: one loss series per fold plus the refit, validation metrics marked as such', () => {
  const curves = curvesFromLines(cvLines);
  assert.deepEqual(
    curves.loss.map((s) => [s.label, s.fold, s.points.map((p) => p.y)]),
    [
      ['loss · fold 1', 1, [1.0, 0.5]],
      ['loss · fold 2', 2, [3.0, 1.5]],
      ['train · refit on all rows', undefined, [0.9, 0.4]],
    ],
  );
  assert.deepEqual(
    curves.metrics.map((s) => [s.label, s.split]),
    [
      ['accuracy · fold 1', 'train'],
      ['val_accuracy · fold 1', 'validation'],
    ],
  );
  assert.equal(curves.hidden, 0);
});

test("curves: a sweep gives one score-per-trial series, not each trial's curves", () => {
  const lines = [
    { stage: 'train', step: 1, loss: 2, trial: 1, trials: 2, fold: 1, folds: 3 },
    { stage: 'trial', step: 1, of: 2, trial: 1, trials: 2, metrics: { f1_macro: 0.4 } },
    { stage: 'trial', index: 0, params: { C: 1 }, score: 0.4 },
    { stage: 'trial', step: 2, of: 2, trial: 2, trials: 2, metrics: { f1_macro: 0.9 } },
  ];
  const curves = curvesFromLines(lines);
  assert.equal(curves.loss.length, 0);
  assert.deepEqual(
    curves.metrics.map((s) => [s.label, s.points]),
    [
      [
        'f1_macro per trial',
        [
          { x: 1, y: 0.4 },
          { x: 2, y: 0.9 },
        ],
      ],
    ],
  );
});

test('curves: at most MAX_SERIES series are drawn and the rest are counted', () => {
  const lines = Array.from({ length: MAX_SERIES + 5 }, (_, i) => [1, 2].map((step) => ({ stage: `stage ${i}`, step, loss: i }))).flat();
  const curves = curvesFromLines(lines);
  assert.equal(curves.loss.length, MAX_SERIES);
  assert.equal(curves.hidden, 5);
});

test('meanLossCurve averages folds per step and ignores the refit when folds exist', () => {
  assert.deepEqual(meanLossCurve(cvLines), [
    { x: 1, y: 2 },
    { x: 2, y: 1 },
  ]);
  assert.deepEqual(meanLossCurve(cvLines.filter((l) => l.stage.startsWith('refit'))), [
    { x: 1, y: 0.9 },
    { x: 2, y: 0.4 },
  ]);
});

test('dashboard state carries the confusion matrix, per-class rows, ROC and CV mean ± std', () => {
  const run = record({
    id: 'r1',
    task: 'classification',
    params: { C: 0.5, penalty: 'l2' },
    metrics: {
      accuracy: 0.9,
      confusion_matrix: [
        [5, 1],
        [0, 4],
      ],
      labels: ['no', 'yes'],
      per_class: [
        { label: 'no', precision: 1, recall: 0.83, f1: 0.9, support: 6 },
        { label: 'yes', precision: 0.8, recall: 1, f1: 0.89, support: 4 },
      ],
      roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [2, 0.5, 0] },
      roc_auc: 0.95,
    },
    cv: { folds: [{ accuracy: 0.8 }, { accuracy: 1 }], mean: { accuracy: 0.9 }, std: { accuracy: 0.1 } },
  });
  const state = dashboardState(run, cvLines);
  assert.deepEqual(state.confusion, {
    labels: ['no', 'yes'],
    matrix: [
      [5, 1],
      [0, 4],
    ],
  });
  assert.equal(state.perClass?.length, 2);
  assert.deepEqual(state.roc, { fpr: [0, 0.5, 1], tpr: [0, 1, 1], auc: 0.95, positive: 'yes' });
  assert.deepEqual(
    state.metrics.find((m) => m.name === 'accuracy'),
    { name: 'accuracy', value: 0.9, mean: 0.9, std: 0.1 },
  );
  assert.deepEqual(state.params, [
    ['C', '0.5'],
    ['penalty', 'l2'],
  ]);
  assert.deepEqual(state.missing, []);
});

test('dashboard state of a regression says when predictions are missing and passes them on when present', () => {
  const base = { id: 'r2', task: 'regression', metrics: { rmse: 2, mae: 1, r2: 0.5 } };
  assert.equal(dashboardState(record(base), []).missing.length, 1);
  const withPredictions = { ...record(base), predictions: { actual: [1, 2], predicted: [1.5, 2.5] } } as RunRecord;
  const state = dashboardState(withPredictions, []);
  assert.deepEqual(state.predictions, { actual: [1, 2], predicted: [1.5, 2.5] });
  assert.deepEqual(state.missing, []);
});

test('dashboard state drops fields of the wrong shape instead of passing them on', () => {
  const state = dashboardState(record({ id: 'r3', metrics: { confusion_matrix: [[1, 'x']], labels: ['a'], per_class: 'no' } }), []);
  assert.equal(state.confusion, undefined);
  assert.equal(state.perClass, undefined);
});

test('leaderboard: live trials from metrics.jsonl, best by the metric direction, failed trials kept with their error', () => {
  const lines = [
    { stage: 'trial', step: 1, of: 3, trial: 1, trials: 3, metrics: { rmse: 3 } },
    { stage: 'trial', index: 0, params: { alpha: 0.1 }, score: 3 },
    { stage: 'trial', index: 1, params: { alpha: 1 }, score: 2 },
    { stage: 'trial', index: 2, params: { alpha: -1 }, score: Number.NaN, error: 'alpha must be >= 0' },
  ];
  const state = leaderboardState(record({ id: 's1', status: 'running', task: 'regression' }), lines, 1);
  assert.equal(state.metric, 'rmse');
  assert.equal(state.greaterIsBetter, false);
  assert.equal(state.planned, 3);
  assert.equal(state.bestIndex, 1);
  assert.equal(state.focusIndex, 1);
  assert.deepEqual(
    state.trials.map((t) => [t.index, t.score, t.error]),
    [
      [0, 3, undefined],
      [1, 2, undefined],
      [2, undefined, 'alpha must be >= 0'],
    ],
  );
});

test('leaderboard: a finished sweep reads run.json trials and best metric', () => {
  const trials = [
    { params: { C: 1 }, score: 0.7, cv: { folds: [], mean: { f1_macro: 0.7 }, std: { f1_macro: 0.05 } } },
    { params: { C: 10 }, score: 0.9 },
  ];
  const state = leaderboardState(record({ id: 's2', trials, best: { params: { C: 10 }, score: 0.9, metric: 'f1_macro' } }), []);
  assert.equal(state.metric, 'f1_macro');
  assert.equal(state.bestIndex, 1);
  assert.equal(state.trials[0]?.std, 0.05);
  assert.deepEqual(state.paramNames, ['C']);
});

test('compare: best marked per metric in its direction, rows that differ flagged', () => {
  const a = record({ id: 'a', modelType: 'ridge', params: { alpha: 1 }, metrics: { rmse: 2, r2: 0.5 } });
  const b = record({ id: 'b', modelType: 'ridge', params: { alpha: 10 }, metrics: { rmse: 3, r2: 0.7 } });
  const state = compareState([a, b], (id) => (id === 'a' ? cvLines : []), ['gone']);
  const row = (name: string) => state.rows.find((r) => r.name === name);
  assert.deepEqual(row('rmse')?.best, [0]);
  assert.deepEqual(row('r2')?.best, [1]);
  assert.equal(row('alpha')?.differs, true);
  assert.equal(row('model')?.differs, false);
  assert.deepEqual(
    state.curves.map((c) => c.runIndex),
    [0],
  );
  assert.deepEqual(state.notFound, ['gone']);
});

test('contract guards reject malformed messages', () => {
  assert.equal(isWebviewMessage({ type: 'ready' }), true);
  assert.equal(isWebviewMessage({ type: 'cancelRun', runId: '../etc' }), false);
  assert.equal(isWebviewMessage({ type: 'cancelRun' }), false);
  assert.equal(isWebviewMessage({ type: 'eval', code: '1' }), false);
  assert.equal(isHostMessage({ type: 'dashboard', state: {} }), true);
  assert.equal(isHostMessage({ type: 'dashboard' }), false);
  assert.deepEqual(persistedState({ runId: 'x', runIds: ['a', 3] }), { runId: 'x', runIds: ['a'] });
  assert.deepEqual(persistedState('nonsense'), {});
});

test('curves: a stage with one point per fold (a closed-form fit) draws no curve', () => {
  const lines = [1, 2, 3].map((fold) => ({ stage: 'least squares', step: 1, of: 1, loss: fold, fold, folds: 3 }));
  assert.deepEqual(curvesFromLines(lines), { loss: [], metrics: [], hidden: 0 });
});

test('meanLossCurve gives nothing for stages of a single step (a closed-form or per-pair fit)', () => {
  const lines = [
    { stage: 'smo (a vs b)', step: 1, of: 3, loss: -5, fold: 1, folds: 2 },
    { stage: 'smo (a vs c)', step: 2, of: 3, loss: -4, fold: 1, folds: 2 },
    { stage: 'refit smo (a vs b)', step: 1, of: 3, loss: -300 },
  ];
  assert.deepEqual(meanLossCurve(lines), []);
});
