/**
 * Builds the view state of each panel from a run's files (run.json and metrics.jsonl). Pure: no
 * `vscode` here, so it is unit-tested in plain Node. Values from the files are checked, not trusted:
 * a field of the wrong shape is left out rather than passed on.
 */
import type { RunRecord } from '../../core/runs/store';
import { greaterIsBetter } from '../../core/metrics';
import {
  type ClassRow,
  type CompareRow,
  type CompareState,
  type DashboardState,
  type LeaderboardState,
  type MetricRow,
  type ParamValue,
  type RunSummary,
  type TrialRow,
} from './contract';
import { curvesFromLines, meanLossCurve } from './curves';
import { isRecord } from '../../core/json';
import type { ErrorTable } from '../../core/inspection/errorRows';

type Line = Readonly<Record<string, unknown>>;

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every(finite) ? (value as number[]) : undefined;
}

function matrix(value: unknown): number[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  const rows = value.map(numbers);
  return rows.every((row): row is number[] => row !== undefined) ? rows : undefined;
}

/** Parameter values as one line of text each. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return JSON.stringify(value) ?? String(value);
}

export function runSummary(record: RunRecord): RunSummary {
  return {
    id: record.id,
    experiment: record.experiment,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.task ? { task: record.task } : {}),
    ...(record.modelType ? { modelType: record.modelType } : {}),
    createdAt: record.createdAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
    ...(finite(record.progress) ? { progress: record.progress } : {}),
    ...(record.status === 'running' && typeof record.phase === 'string' && record.phase !== '' ? { phase: record.phase } : {}),
  };
}

interface Cv {
  folds: Record<string, number>[];
  mean: Record<string, number>;
  std: Record<string, number>;
}

function cvOf(value: unknown): Cv | undefined {
  if (!isRecord(value) || !Array.isArray(value.folds) || !isRecord(value.mean) || !isRecord(value.std)) return undefined;
  const numeric = (object: Record<string, unknown>): Record<string, number> =>
    Object.fromEntries(Object.entries(object).filter((entry): entry is [string, number] => finite(entry[1])));
  return { folds: value.folds.filter(isRecord).map(numeric), mean: numeric(value.mean), std: numeric(value.std) };
}

function metricRows(metrics: Record<string, unknown>, cv: Cv | undefined): MetricRow[] {
  const names = new Set([...Object.keys(metrics).filter((name) => finite(metrics[name])), ...Object.keys(cv?.mean ?? {})]);
  return [...names].map((name) => ({
    name,
    ...(finite(metrics[name]) ? { value: metrics[name] } : {}),
    ...(cv && finite(cv.mean[name]) ? { mean: cv.mean[name], std: cv.std[name] ?? 0 } : {}),
  }));
}

function perClassRows(value: unknown): ClassRow[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const rows = value.filter(
    (row): row is ClassRow =>
      isRecord(row) && typeof row.label === 'string' && finite(row.precision) && finite(row.recall) && finite(row.f1) && finite(row.support),
  );
  return rows.length > 0 ? rows.map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support })) : undefined;
}

/** Out-of-fold predictions, when the run kept them (`predictions: {actual, predicted}`). */
function predictionsOf(record: RunRecord): DashboardState['predictions'] {
  const value = (record as unknown as Record<string, unknown>).predictions;
  if (!isRecord(value)) return undefined;
  const actual = numbers(value.actual);
  const predicted = numbers(value.predicted);
  return actual && predicted && actual.length === predicted.length ? { actual, predicted } : undefined;
}

/** What the dashboard says where a run has no training curve: a failed run has no scores, and says why. */
export function curvesNote(record: Pick<RunRecord, 'status' | 'reason'>): string {
  switch (record.status) {
    case 'queued':
    case 'running':
      return 'Waiting for the first loss or metric of this run…';
    case 'completed':
      return 'This model reports no loss or metric per step (it is fitted in one pass); its scores are below.';
    default:
      return `This run ${record.status} before it had scores: ${record.reason ?? 'no reason was recorded'}. Its log (Show Log) has every step it took.`;
  }
}

/** The whole state of a run's dashboard; `errors` is the run's errors.json, already checked. */
export function dashboardState(record: RunRecord, lines: readonly Line[], errors?: ErrorTable): DashboardState {
  const metrics = isRecord(record.metrics) ? record.metrics : {};
  const cv = cvOf(record.cv);
  const labels = Array.isArray(metrics.labels) && metrics.labels.every((label) => typeof label === 'string') ? (metrics.labels as string[]) : undefined;
  const confusionMatrix = matrix(metrics.confusion_matrix);
  const roc = isRecord(metrics.roc) ? { fpr: numbers(metrics.roc.fpr), tpr: numbers(metrics.roc.tpr) } : undefined;
  const predictions = predictionsOf(record);
  const done = record.status === 'completed';
  const regression = record.task === 'regression' || (finite(metrics.rmse) && !labels);
  const missing: string[] = [];
  if (done && regression && !predictions) {
    missing.push(
      'run.json holds no out-of-fold predictions (predictions: {actual, predicted}), so predicted-vs-actual and residual plots cannot be drawn for this run.',
    );
  }
  const importances =
    record.featureNames && record.featureImportances && record.featureNames.length === record.featureImportances.length
      ? record.featureNames.map((name, i) => ({ name, value: record.featureImportances?.[i] ?? 0 })).sort((a, b) => b.value - a.value)
      : undefined;
  return {
    run: runSummary(record),
    curves: curvesFromLines(lines),
    metrics: metricRows(metrics, cv),
    ...(cv && cv.folds.length > 1 ? { folds: cv.folds } : {}),
    ...(labels && confusionMatrix && confusionMatrix.length === labels.length ? { confusion: { labels, matrix: confusionMatrix } } : {}),
    ...(perClassRows(metrics.per_class) ? { perClass: perClassRows(metrics.per_class) } : {}),
    ...(roc?.fpr && roc.tpr && roc.fpr.length === roc.tpr.length
      ? { roc: { fpr: roc.fpr, tpr: roc.tpr, ...(finite(metrics.roc_auc) ? { auc: metrics.roc_auc } : {}), ...(labels?.[1] ? { positive: labels[1] } : {}) } }
      : {}),
    ...(predictions ? { predictions } : {}),
    ...(importances ? { importances } : {}),
    ...(permutationOf(record.permutationImportance) ?? {}),
    params: Object.entries(record.params ?? {}).map(([name, value]) => [name, formatValue(value)] as const),
    ...(record.data ? { data: record.data } : {}),
    environment: Object.entries(record.environment ?? {}).map(([name, value]) => [name, String(value)] as const),
    missing,
    curvesNote: curvesNote(record),
    ...(Array.isArray(record.trials) ? { trialCount: record.trials.length } : {}),
    ...(done && errors ? { errors } : {}),
    ...(embeddingsOf(record.embeddings) ?? {}),
  };
}

/** The run's embed record, checked (run.json is a file anyone may edit). */
function embeddingsOf(value: unknown): Pick<DashboardState, 'embeddings'> | undefined {
  if (!isRecord(value) || !Array.isArray(value.steps) || !isRecord(value.cache)) return undefined;
  const steps = value.steps
    .filter(isRecord)
    .filter((s) => typeof s.column === 'string' && typeof s.model === 'string' && finite(s.width))
    .map((s) => ({
      column: s.column as string,
      model: s.model as string,
      sha256: typeof s.sha256 === 'string' ? s.sha256 : '',
      width: s.width as number,
      truncated: finite(s.truncated) ? s.truncated : 0,
      maxLength: finite(s.max_length) ? s.max_length : 0,
    }));
  const { hits, misses } = value.cache;
  if (steps.length === 0 || !finite(hits) || !finite(misses)) return undefined;
  return { embeddings: { steps, cache: { hits, misses } } };
}

/** The run's permutation importance, checked (run.json is a file anyone may edit) and sorted by mean. */
function permutationOf(value: unknown): Pick<DashboardState, 'permutation'> | undefined {
  if (!isRecord(value) || !Array.isArray(value.features) || typeof value.metric !== 'string') return undefined;
  const features = value.features
    .filter(isRecord)
    .filter((f) => typeof f.name === 'string' && finite(f.mean) && finite(f.std))
    .map((f) => ({ name: f.name as string, mean: f.mean as number, std: f.std as number }))
    .sort((a, b) => b.mean - a.mean);
  if (features.length === 0) return undefined;
  return {
    permutation: {
      metric: value.metric,
      repeats: finite(value.n_repeats) ? value.n_repeats : 0,
      scope: typeof value.scope === 'string' ? value.scope : 'holdout',
      rows: finite(value.rows) ? value.rows : 0,
      features,
    },
  };
}

function paramValue(value: unknown): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? null;
}

function trialRow(value: unknown, fallbackIndex: number, metric: string | undefined): TrialRow | undefined {
  if (!isRecord(value) || !isRecord(value.params)) return undefined;
  const cv = cvOf(value.cv);
  const std = metric && cv ? cv.std[metric] : undefined;
  return {
    index: finite(value.index) ? value.index : fallbackIndex,
    params: Object.fromEntries(Object.entries(value.params).map(([name, v]) => [name, paramValue(v)])),
    ...(finite(value.score) && typeof value.error !== 'string' ? { score: value.score } : {}),
    ...(finite(std) ? { std } : {}),
    ...(typeof value.error === 'string' ? { error: value.error } : {}),
  };
}

/** Which metric a sweep optimises: from its result, its experiment, or its progress events. */
function searchMetric(record: RunRecord, lines: readonly Line[]): string {
  if (isRecord(record.best) && typeof record.best.metric === 'string') return record.best.metric;
  const snapshot = isRecord(record.snapshot) && isRecord(record.snapshot.search) ? record.snapshot.search : undefined;
  if (snapshot && typeof snapshot.metric === 'string') return snapshot.metric;
  for (const line of lines) {
    if (line.stage === 'trial' && isRecord(line.metrics)) {
      const name = Object.keys(line.metrics)[0];
      if (name) return name;
    }
  }
  return record.task === 'regression' ? 'rmse' : 'score';
}

/** The sweep leaderboard: finished trials from run.json, or those seen so far in metrics.jsonl. */
export function leaderboardState(record: RunRecord, lines: readonly Line[], focusIndex?: number): LeaderboardState {
  const metric = searchMetric(record, lines);
  const higher = greaterIsBetter(metric);
  const byIndex = new Map<number, TrialRow>();
  let planned: number | undefined;
  for (const line of lines) {
    if (line.stage !== 'trial') continue;
    if (finite(line.trials)) planned = line.trials;
    if (!('index' in line)) continue;
    const row = trialRow(line, byIndex.size, metric);
    if (row) byIndex.set(row.index, row);
  }
  if (Array.isArray(record.trials)) {
    // run.json's trials are in evaluation order and carry no index of their own.
    record.trials.forEach((trial, i) => {
      const row = trialRow(trial, i, metric);
      if (row) byIndex.set(row.index, row);
    });
    planned = Math.max(planned ?? 0, record.trials.length);
  }
  const trials = [...byIndex.values()].sort((a, b) => a.index - b.index);
  let bestIndex: number | undefined;
  for (const trial of trials) {
    if (trial.score === undefined) continue;
    const best = bestIndex === undefined ? undefined : trials.find((t) => t.index === bestIndex)?.score;
    if (best === undefined || (higher ? trial.score > best : trial.score < best)) bestIndex = trial.index;
  }
  const paramNames = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  const search = isRecord(record.snapshot) && isRecord(record.snapshot.search) ? record.snapshot.search : undefined;
  const validation = isRecord(record.snapshot) && isRecord(record.snapshot.validation) ? record.snapshot.validation : undefined;
  const firstCv = Array.isArray(record.trials) && isRecord(record.trials[0]) ? cvOf(record.trials[0].cv) : undefined;
  const folds = firstCv?.folds.length ?? (validation?.method !== 'holdout' && finite(validation?.folds) ? validation.folds : undefined);
  return {
    run: runSummary(record),
    metric,
    greaterIsBetter: higher,
    paramNames,
    trials,
    ...(search && isRecord(search.params) ? { space: search.params } : {}),
    scoreDefinition: `CV mean of ${metric}${folds ? ` over ${folds} folds` : ''}`,
    ...(planned !== undefined ? { planned } : {}),
    ...(bestIndex !== undefined ? { bestIndex } : {}),
    ...(focusIndex !== undefined ? { focusIndex } : {}),
  };
}

const SCALAR_METRICS_ORDER = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_weighted',
  'roc_auc',
  'log_loss',
  'rmse',
  'mae',
  'mse',
  'r2',
  'mape',
];

/** Indexes of the best numbers in a row; empty when fewer than two runs have the metric. */
function bestOf(values: readonly (number | undefined)[], higher: boolean): number[] {
  const present = values.filter(finite);
  if (present.length < 2) return [];
  const target = higher ? Math.max(...present) : Math.min(...present);
  return values.flatMap((value, i) => (value === target ? [i] : []));
}

/** The compare panel: one column per run, overlaid loss curves, best value per metric marked. */
export function compareState(records: readonly RunRecord[], linesOf: (id: string) => readonly Line[], notFound: readonly string[] = []): CompareState {
  const rows: CompareRow[] = [];
  const addRow = (kind: CompareRow['kind'], name: string, values: (string | null)[], best: number[] = []): void => {
    const present = values.map((value) => value ?? '');
    rows.push({ kind, name, values, best, differs: new Set(present).size > 1 });
  };
  addRow(
    'info',
    'experiment',
    records.map((r) => r.experiment),
  );
  addRow(
    'info',
    'status',
    records.map((r) => r.status),
  );
  addRow(
    'info',
    'model',
    records.map((r) => r.modelType ?? null),
  );
  addRow(
    'info',
    'data',
    records.map((r) => (r.data ? `${r.data.path} (${r.data.sha256.slice(0, 12)})` : null)),
  );
  addRow(
    'info',
    'seed',
    records.map((r) => (r.seed === undefined ? null : String(r.seed))),
  );
  const paramNames = [...new Set(records.flatMap((r) => Object.keys(r.params ?? {})))].sort();
  for (const name of paramNames) {
    addRow(
      'param',
      name,
      records.map((r) => (r.params && name in r.params ? formatValue(r.params[name]) : null)),
    );
  }
  const metricsOf = records.map((r) => (isRecord(r.metrics) ? r.metrics : {}));
  const metricNames = [...new Set(metricsOf.flatMap((m) => Object.keys(m).filter((name) => finite(m[name]))))].sort((a, b) => {
    const ia = SCALAR_METRICS_ORDER.indexOf(a);
    const ib = SCALAR_METRICS_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  for (const name of metricNames) {
    const values = metricsOf.map((m) => (finite(m[name]) ? m[name] : undefined));
    const cvs = records.map((r) => cvOf(r.cv));
    const text = values.map((value, i) => {
      if (value === undefined) return null;
      const std = cvs[i]?.std[name];
      return finite(std) ? `${value.toFixed(4)} ± ${std.toFixed(4)}` : value.toFixed(4);
    });
    addRow('metric', name, text, bestOf(values, greaterIsBetter(name)));
  }
  const curves = records.flatMap((record, runIndex) => {
    const points = meanLossCurve(linesOf(record.id));
    return points.length > 0 ? [{ label: `${record.experiment} · ${record.id}`, split: 'train' as const, points, runIndex }] : [];
  });
  return { runs: records.map(runSummary), curves, rows, notFound };
}
