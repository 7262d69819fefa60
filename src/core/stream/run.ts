/**
 * Training beyond memory: when a run has a memory budget (`mlwb train --max-memory-mb`, the extension's
 * `mlWorkbench.training.memoryLimitMb`) and its table would not fit in it, the run streams from the file instead of
 * loading it: preparation fitted by DuckDB, the model fitted over passes of batches, metrics from a pass over the
 * held-out rows, a refit on every row for deployment. The run records `streamed: { batchSize, passes, rows }`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DatasetEngine } from '../datasets/engine';
import { columnPlans, countRows } from '../datasets/head';
import { readTable } from '../datasets/readTable';
import { featureSteps, leavesOutMissingTarget } from '../experiment/missingTarget';
import { runSeed, type Experiment } from '../experiment/experiment';
import { MAX_KEPT_PREDICTIONS } from '../experiment/train';
import { ERRORS_FILE, type ErrorTable } from '../inspection/errorRows';
import { computeMetrics, scalarMetrics, type Metrics } from '../metrics';
import { modelSpec, type Model } from '../models/registry';
import type { Column, Table } from '../data/table';
import { REFERENCE_ROWS, saveReference } from '../runs/artifacts';
import { writeJsonAtomic } from '../runs/atomic';
import { RunProgress } from '../runs/progress';
import type { RunRecord, RunStore } from '../runs/store';
import { saveModelFiles, type SavableModel } from '../runs/versions';
import { MlError, throwIfAborted, type Classifier, type DenseMatrix, type ProgressEvent, type Regressor } from '../types';
import { streamLearner } from './learners';
import { needsAllRows } from './prepare';
import { DUCKDB_STAGE, StreamTable, type PreparedSource } from './open';
import { HOLDOUT_FOLD, NO_FOLD } from './source';

/** Bytes an in-memory run holds per numeric cell (the table's column, the prepared matrix, the split's copies), measured. */
export const BYTES_PER_NUMERIC_CELL = 32;
/** ...and per text cell (a string pointer and its characters, interned). */
export const BYTES_PER_TEXT_CELL = 64;

export interface MemoryEstimate {
  readonly rows: number;
  readonly columns: number;
  /** Estimated MB of an in-memory run's data (the runtime's own memory is the fixed overhead beside the budget). */
  readonly mb: number;
}

/** The in-memory footprint of a file's table: DuckDB counts its rows (no table is read) and reads its column types from the head. */
export async function estimateMemory(engine: DatasetEngine, filePath: string, signal?: AbortSignal): Promise<MemoryEstimate> {
  const plans = await columnPlans(engine, filePath, { signal });
  const rows = await countRows(engine, filePath, { signal });
  const numeric = plans.filter((p) => p.type === 'integer' || p.type === 'float').length;
  const bytes = rows * (numeric * BYTES_PER_NUMERIC_CELL + (plans.length - numeric) * BYTES_PER_TEXT_CELL);
  return { rows, columns: plans.length, mb: bytes / 2 ** 20 };
}

/** Rows a batch holds: its buffers (the cache block and the batch, Float64) take a sixteenth of the budget, 1,024 to 65,536 rows. */
export function batchRows(budgetMb: number, features: number): number {
  const perRow = 2 * (features + 3) * 8;
  return Math.max(1024, Math.min(65536, Math.floor((budgetMb * 2 ** 20) / 16 / perRow)));
}

/** DuckDB's memory limit in a streamed run: a quarter of the budget, at least the 192 MB its CSV reader needs on two threads. */
export function duckDbMemoryMb(budgetMb: number): number {
  return Math.max(192, Math.floor(budgetMb / 4));
}

export interface StreamedRunContext {
  readonly store: RunStore;
  readonly record: RunRecord;
  readonly experiment: Experiment;
  readonly dataPath: string;
  readonly maxMemoryMb: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Retraining from feedback: its rows are appended in memory, so such a run is not streamed. */
  readonly feedbackFrom?: string;
  readonly log: (line: string) => void;
  /** Records the data file's fingerprint (rows and columns as DuckDB counted them; the hash is streamed from the file). */
  readonly fingerprint: (rows: number, columns: number) => Promise<void>;
  readonly onProgress: (fraction: number, phase: string, event: ProgressEvent) => void;
}

/**
 * Trains the run streamed when its table does not fit in `maxMemoryMb`, filling and finishing its record (true);
 * false when it fits (the caller trains it in memory). Models and steps that need all rows are refused here.
 */
export async function trainStreamedIfOverBudget(context: StreamedRunContext): Promise<boolean> {
  const { experiment, dataPath, maxMemoryMb, signal, log } = context;
  if (!(maxMemoryMb > 0)) throw new MlError(`the memory limit must be a positive number of MB, got ${maxMemoryMb}`);
  if (experiment.data.sample !== undefined) return false;
  const engine = new DatasetEngine(1);
  try {
    const estimate = await estimateMemory(engine, dataPath, signal);
    const size = `${estimate.rows.toLocaleString('en')} rows × ${estimate.columns} columns ≈ ${Math.ceil(estimate.mb).toLocaleString('en')} MB in memory`;
    if (estimate.mb <= maxMemoryMb) {
      log(`memory: ${size}, within the ${maxMemoryMb} MB limit: training in memory`);
      return false;
    }
    log(`memory: ${size}, over the ${maxMemoryMb} MB limit: streaming from the file in batches`);
    await context.fingerprint(estimate.rows, estimate.columns);
    const budget = `the ${maxMemoryMb} MB memory limit (${size})`;
    if (context.feedbackFrom) throw needsAllRows('retraining with feedback', budget);
    if (experiment.search) throw needsAllRows(`search (${experiment.search.method})`, budget);
    const type = experiment.model.type;
    const factory = streamLearner(type);
    if (!factory) throw needsAllRows(`model.type ${type}`, budget);
    await engine.query(`SET memory_limit = '${duckDbMemoryMb(maxMemoryMb)}MB'`);
    await runStreamed(context, engine, factory, budget);
    return true;
  } finally {
    await engine.close();
  }
}

async function runStreamed(
  context: StreamedRunContext,
  engine: DatasetEngine,
  factory: NonNullable<ReturnType<typeof streamLearner>>,
  budget: string,
): Promise<void> {
  const { store, record, experiment, dataPath, maxMemoryMb, signal, log } = context;
  const seed = runSeed(experiment, context.seed);
  const target = experiment.data.target;
  const steps = featureSteps(experiment.prepare ?? [], target);
  const v = experiment.validation ?? { method: 'holdout' as const };
  const validation = v.method === 'kfold' ? { method: 'kfold' as const, folds: v.folds ?? 5 } : { method: 'holdout' as const, test_size: v.test_size ?? 0.2 };
  if (v.stratify === true || (v.method === 'kfold' && v.shuffle === false)) {
    log('note: a streamed split assigns rows by a seeded hash of the row number: validation.stratify and shuffle: false do not apply');
  }
  const plans = await columnPlans(engine, dataPath, { signal });
  const features = plans.length - 1;
  const batchSize = batchRows(maxMemoryMb, features);
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'mlwb-stream-'));
  const progress = new RunProgress({ ...experiment, importance: false });
  const folds = validation.method === 'kfold' ? validation.folds : 1;
  let fold = 1;
  let refit = false;
  let modelStep: ProgressEvent | undefined;
  let passStep: ProgressEvent | undefined;
  let readFraction = 0;
  let lastEmit = 0;
  let reportedStep: ProgressEvent | undefined;
  /** A fit's progress: reading the file into the cache is its first fifth, the model's steps (with the pass inside a step) the rest. */
  const report = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastEmit < 200) return;
    lastEmit = now;
    const passFraction = passStep?.of && !passStep.stage.startsWith(DUCKDB_STAGE) && passStep.stage !== 'read' ? Math.min(1, passStep.step / passStep.of) : 0;
    const modelFraction = modelStep?.of ? Math.min(1, (modelStep.step + passFraction) / modelStep.of) : 0;
    const inner = modelStep ? 0.2 + 0.8 * modelFraction : 0.2 * readFraction;
    const event: ProgressEvent & { fold?: number; folds?: number } = refit
      ? { stage: 'refit stream', step: Math.round(inner * 1000), of: 1000 }
      : { stage: 'stream', step: Math.round(inner * 1000), of: 1000, fold, folds };
    const { fraction } = progress.report(event);
    const parts = [
      refit ? 'refit on all rows' : folds > 1 ? `fold ${fold}/${folds}` : '',
      modelStep ? `${modelStep.stage} ${modelStep.step}${modelStep.of ? `/${modelStep.of}` : ''}` : '',
      passStep ? passText(passStep) : '',
    ];
    // The model's loss once per step of it (the dashboard's loss curve), not once per batch.
    const fresh = modelStep !== undefined && modelStep !== reportedStep;
    reportedStep = modelStep;
    context.onProgress(fraction, parts.filter(Boolean).join(' · '), { ...event, ...(fresh && modelStep?.loss !== undefined ? { loss: modelStep.loss } : {}) });
  };
  const startFit = (): void => {
    modelStep = undefined;
    passStep = undefined;
    readFraction = 0;
  };
  // An open that fails (a DuckDB error, a cancel) leaves no cache folder behind; afterwards table.close() removes it.
  const table = await StreamTable.open(engine, dataPath, {
    target,
    task: experiment.task,
    leaveOutMissingTarget: leavesOutMissingTarget(experiment.prepare ?? [], target),
    seed,
    validation,
    batchSize,
    quantileBytes: Math.floor((duckDbMemoryMb(maxMemoryMb) / 2) * 2 ** 20),
    cacheDir,
    budget,
    signal,
    onProgress: (event) => {
      passStep = event;
      if (event.stage === 'read' && event.of) readFraction = event.step / event.of;
      report(event.step === event.of);
    },
  }).catch((error: unknown) => {
    rmSync(cacheDir, { recursive: true, force: true });
    throw error;
  });
  try {
    const allowMissing = modelSpec(experiment.model.type).acceptsMissing === true;
    const params = { ...(experiment.model.params ?? {}) };
    const fitOn = async (source: PreparedSource): Promise<Model> => {
      for (const note of source.notes) log(note);
      const learner = factory(params, table.task);
      return learner.fit(source, {
        seed,
        signal,
        onProgress: (event) => {
          modelStep = event;
          report(true);
        },
      });
    };
    const scored = new HeldOutScores(table.task, table.classes);
    const foldMetrics: Record<string, number>[] = [];
    const heldOutFolds = validation.method === 'kfold' ? Array.from({ length: validation.folds }, (_, k) => k) : [HOLDOUT_FOLD];
    for (const [index, heldOut] of heldOutFolds.entries()) {
      fold = index + 1;
      startFit();
      const source = await table.source(heldOut, steps, allowMissing);
      if (source.rowCounts.heldOut === 0) throw new MlError(`validation: fold ${fold} holds no rows; use fewer folds or a bigger test_size`);
      const model = await fitOn(source);
      const before = scored.count;
      await source.pass((batch) => scored.add(model, batch.x, batch.y), { rows: 'heldOut', signal, label: 'scoring' });
      if (folds > 1) foldMetrics.push(scalarMetrics(scored.metrics(before)));
      source.release();
      log(
        `${folds > 1 ? `fold ${fold}/${folds}: ` : ''}trained on ${source.rowCounts.train.toLocaleString('en')} rows, scored ${source.rowCounts.heldOut.toLocaleString('en')} held-out rows (${table.passes} passes so far)`,
      );
    }
    throwIfAborted(signal);
    refit = true;
    startFit();
    report(true);
    const all = await table.source(NO_FOLD, steps, allowMissing);
    const model = await fitOn(all);
    all.release();
    const metrics = scored.metrics(0);
    const runDir = store.runDir(record.id);
    writeJsonAtomic(path.join(runDir, 'pipeline.json'), all.pipeline);
    await saveModelFiles(runDir, model as SavableModel);
    writeJsonAtomic(path.join(runDir, ERRORS_FILE), scored.errorTable());
    // The drift reference and schema: a seeded sample of the file's rows, read by DuckDB (never the whole table).
    const sample = await readTable(engine, dataPath, { sample: { rows: REFERENCE_ROWS, seed }, signal });
    const kinds = new Map(table.columns.map((c) => [c.name, c.kind]));
    const featureTable: Table = {
      rowCount: sample.rowCount,
      columns: sample.columns.filter((c) => c.name !== target).map((c) => withKind(c, kinds.get(c.name))),
    };
    const targetColumn = sample.columns.find((c) => c.name === target) as Column;
    saveReference(runDir, featureTable, targetColumn, table.task, table.task === 'classification' ? table.classes : undefined, seed);
    const cv =
      folds > 1
        ? {
            folds: foldMetrics,
            mean: Object.fromEntries(Object.keys(foldMetrics[0] ?? {}).map((k) => [k, mean(foldMetrics.map((m) => m[k] as number))])),
            std: Object.fromEntries(Object.keys(foldMetrics[0] ?? {}).map((k) => [k, std(foldMetrics.map((m) => m[k] as number))])),
          }
        : undefined;
    Object.assign(record, {
      task: table.task,
      taskReason: table.taskReason,
      seed,
      ...(table.missingTargetRows > 0 ? { missingTargetRows: table.missingTargetRows } : {}),
      params,
      metrics,
      ...(cv ? { cv } : {}),
      featureNames: all.featureNames,
      ...(table.task === 'regression' ? { predictions: scored.keptPredictions() } : {}),
      streamed: { batchSize, passes: table.passes, rows: table.fileRows - table.missingTargetRows },
    });
    if (experiment.importance !== false) log('note: permutation importance is not computed for a streamed run');
    log(
      `streamed: ${table.passes} passes over ${(table.fileRows - table.missingTargetRows).toLocaleString('en')} rows in batches of ${batchSize.toLocaleString('en')} rows`,
    );
  } finally {
    table.close();
  }
}

/** A pass's or read's progress in words: "objective 14 batch 3/19", "read 400,000/6,000,000 rows", "scan 45%". */
function passText(event: ProgressEvent): string {
  if (event.stage.startsWith(DUCKDB_STAGE)) return `${event.stage.slice(DUCKDB_STAGE.length)} ${event.step}%`;
  if (event.stage === 'read') return `read ${event.step.toLocaleString('en')}/${(event.of ?? 0).toLocaleString('en')} rows`;
  return `${event.stage} batch ${event.step}/${event.of ?? '?'}`;
}

function withKind(column: Column, kind: Column['kind'] | undefined): Column {
  if (!kind || kind === column.kind || column.kind === 'numeric' || kind === 'numeric') return column;
  return { ...column, kind } as Column;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const std = (values: number[]): number => {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length));
};

/**
 * Held-out truth and predictions, compactly: class codes and probabilities (8 bytes a class a row) or values, so the
 * run's metrics are computeMetrics' own on every held-out row.
 */
class HeldOutScores {
  private truth: number[] = [];
  private predicted: number[] = [];
  private proba: number[] = [];

  constructor(
    private readonly task: 'classification' | 'regression',
    private readonly classes: readonly string[],
  ) {}

  get count(): number {
    return this.truth.length;
  }

  add(model: Model, x: DenseMatrix, y: Float64Array): void {
    if (this.task === 'regression') {
      const values = (model as unknown as Regressor).predict(x);
      for (let i = 0; i < x.rows; i++) {
        this.truth.push(y[i] as number);
        this.predicted.push(values[i] as number);
      }
      return;
    }
    const classifier = model as unknown as Classifier;
    const labels = classifier.predict(x);
    const index = new Map(this.classes.map((c, k) => [c, k]));
    const order = classifier.classes.map((c) => index.get(c) as number);
    const probabilities = typeof classifier.predictProba === 'function' ? classifier.predictProba(x) : undefined;
    const K = this.classes.length;
    for (let i = 0; i < x.rows; i++) {
      this.truth.push(y[i] as number);
      this.predicted.push(index.get(labels[i] as string) as number);
      if (probabilities) {
        const row = new Array<number>(K).fill(0);
        for (let k = 0; k < order.length; k++) row[order[k] as number] = probabilities.data[i * probabilities.cols + k] as number;
        this.proba.push(...row);
      }
    }
  }

  /** Metrics of the rows scored since `from`. */
  metrics(from: number): Metrics {
    const truth = this.truth.slice(from);
    const predicted = this.predicted.slice(from);
    if (this.task === 'regression') return computeMetrics('regression', Float64Array.from(truth), Float64Array.from(predicted));
    const K = this.classes.length;
    const label = (k: number): string => this.classes[k] as string;
    const proba: DenseMatrix | undefined =
      this.proba.length === this.truth.length * K
        ? { kind: 'dense', rows: truth.length, cols: K, data: Float64Array.from(this.proba.slice(from * K)) }
        : undefined;
    return computeMetrics('classification', truth.map(label), predicted.map(label), proba, proba ? this.classes : undefined);
  }

  /** Regression: held-out actual and predicted values thinned evenly to MAX_KEPT_PREDICTIONS. */
  keptPredictions(): { actual: number[]; predicted: number[] } {
    const step = Math.max(1, Math.ceil(this.truth.length / MAX_KEPT_PREDICTIONS));
    const actual: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < this.truth.length; i += step) {
      actual.push(this.truth[i] as number);
      predicted.push(this.predicted[i] as number);
    }
    return { actual, predicted };
  }

  /** The error table of a streamed run: counts only (its rows would need the held-out rows' raw values). */
  errorTable(): ErrorTable {
    let wrong = 0;
    for (let i = 0; i < this.truth.length; i++) if (this.truth[i] !== this.predicted[i]) wrong++;
    return {
      kind: this.task === 'regression' ? 'residuals' : 'misclassified',
      scored: this.truth.length,
      total: this.task === 'regression' ? this.truth.length : wrong,
      columns: [],
      columnsLeftOut: 0,
      rows: [],
    };
  }
}
