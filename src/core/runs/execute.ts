/**
 * Runs one experiment file end to end and records it in the run store: load and validate the file,
 * read the data, train and evaluate, save the fitted pipeline and model, and mark the run completed,
 * failed or cancelled with its reason. Shared by the training worker and the `mlwb` CLI.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import * as path from 'node:path';
import { splitTarget, withoutMissingTarget } from '../data/target';
import { readRunTable } from './runTable';
import { dataSourceOf } from '../sources/sidecar';
import { embedLocations } from '../embed/context';
import { embedRecord } from '../embed/record';
import { trainExperiment, type TrainOptions, type TrainResult } from '../experiment/train';
import type { Experiment } from '../experiment/experiment';
import type { Table } from '../data/table';
import type { Params, Trial } from '../search';
import { CancelledError } from '../types';
import type { TrainProgressEvent } from '../validation';
import { saveReference } from './artifacts';
import { ERRORS_FILE } from '../inspection/errorRows';
import { appendFeedback, readFeedback } from './feedback';
import { writeFileAtomic, writeJsonAtomic } from './atomic';
import { formatProblems, loadExperimentFile } from './experimentFile';
import { RunStore, type RunRecord } from './store';
import { keyMetric } from './keyMetric';
import { saveModelFiles, type SavableModel } from './versions';
import { RunProgress, SWEEP_TRIALS_SHARE } from './progress';
import { dataQualityWarnings } from '../data/quality';
import { trainStreamedIfOverBudget, type StreamedRunContext } from '../stream/run';

export { keyMetric } from './keyMetric';
export { progressFraction, RunProgress } from './progress';

export type RunEvent =
  | { readonly type: 'started'; readonly runId: string }
  /** `fraction` only grows and `phase` says where the run is in words (core/runs/progress.ts): every view shows these. */
  | { readonly type: 'progress'; readonly runId: string; readonly fraction: number; readonly phase: string; readonly event: TrainProgressEvent }
  | { readonly type: 'trial'; readonly runId: string; readonly trial: Trial; readonly worker?: string }
  | { readonly type: 'log'; readonly runId: string; readonly line: string }
  | { readonly type: 'finished'; readonly runId: string; readonly record: RunRecord };

export interface ExecuteOptions {
  readonly workspaceRoot: string;
  /** Absolute path of the experiment file. */
  readonly experimentFile: string;
  /** A run already created (queued) by the caller; otherwise one is created. */
  readonly runId?: string;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly environment?: Record<string, string>;
  readonly onEvent?: (event: RunEvent) => void;
  /** Retraining: add the labelled requests that this run's service collected to the training data. */
  readonly feedbackFrom?: string;
  /** A parallel sweep's last step: train with these parameters instead of searching, and record the sweep's trials. */
  readonly sweep?: {
    readonly params: Params;
    readonly trials: readonly Trial[];
    readonly best: { readonly params: Params; readonly score: number; readonly metric: string };
  };
  /** Trains elsewhere (runSweep's executor: a queue worker) instead of trainExperiment here; the run is still written here only. */
  readonly train?: (experiment: Experiment, table: Table, options: TrainOptions) => Promise<TrainResult>;
  /** Halving: each round's candidates scored elsewhere (runSweep's executor); see TrainOptions.scoreRound. */
  readonly scoreRound?: TrainOptions['scoreRound'];
  /** The worker that ran a trial scored elsewhere, for the log and run.json. */
  readonly trialWorker?: (index: number) => string | undefined;
  /** Memory budget in MB (`--max-memory-mb`, mlWorkbench.training.memoryLimitMb): a table that does not fit is streamed (stream/run.ts). */
  readonly maxMemoryMb?: number;
}

/** SHA-256 of a file, streamed so a big dataset is not read into memory at once. */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Trains the experiment file into a run of the store and returns the finished record. */
/**
 * Opens the run's record (the one queued as `options.runId`, else a new one) with the experiment as it is now, lets
 * `prepare` adjust it, marks it running and says so; returns the record with its event and log sinks.
 */
export function beginRun(
  store: RunStore,
  options: Pick<ExecuteOptions, 'workspaceRoot' | 'experimentFile' | 'runId' | 'onEvent'>,
  experiment: { readonly name?: string } | null,
  prepare?: (record: RunRecord) => void,
): { record: RunRecord; emit: (event: RunEvent) => void; log: (line: string) => void } {
  const relativeFile = path.relative(options.workspaceRoot, options.experimentFile);
  const name = experiment?.name ?? path.basename(options.experimentFile).replace(/\.experiment\.(ya?ml|json)$/, '');
  const record = (options.runId ? store.get(options.runId) : undefined) ?? store.create(name, relativeFile, experiment);
  // A run queued by the extension before its worker started gets the experiment as it is now.
  record.experiment = name;
  record.snapshot = experiment;
  prepare?.(record);
  const emit = options.onEvent ?? (() => undefined);
  const log = (line: string): void => {
    store.appendLog(record.id, line);
    emit({ type: 'log', runId: record.id, line });
  };
  store.start(record);
  emit({ type: 'started', runId: record.id });
  return { record, emit, log };
}

export async function executeRun(options: ExecuteOptions): Promise<RunRecord> {
  const store = new RunStore(options.workspaceRoot);
  const loaded = loadExperimentFile(options.experimentFile);
  const { record, emit, log } = beginRun(store, options, loaded.experiment ?? null);
  try {
    if (!loaded.experiment || !loaded.dataPath) throw new Error(`invalid experiment file:\n${formatProblems(loaded)}`);
    const experiment = options.sweep
      ? {
          ...loaded.experiment,
          search: undefined,
          model: { ...loaded.experiment.model, params: { ...loaded.experiment.model.params, ...options.sweep.params } },
        }
      : loaded.experiment;
    record.modelType = experiment.model.type;
    record.environment = { node: process.version, platform: `${process.platform}-${process.arch}`, ...options.environment };
    if (options.maxMemoryMb !== undefined && (await trainStreamed(store, record, experiment, loaded.dataPath, options, { emit, log }))) {
      store.finish(record, 'completed');
      log(`completed: ${summarize(record)}`);
      emit({ type: 'finished', runId: record.id, record });
      return record;
    }
    const sample = experiment.data.sample;
    log(`reading ${loaded.dataPath}${sample ? ` (a seeded sample of ${sample.toLocaleString('en')} rows: data.sample)` : ''}`);
    let table = await readRunTable(loaded.dataPath, experiment, options.seed);
    const fileRows = table.rowCount;
    if (options.feedbackFrom) {
      const source = store.runDir(options.feedbackFrom);
      const feedback = readFeedback(source);
      if (feedback.lines.length === 0) throw new Error(`run ${options.feedbackFrom} has no labelled feedback yet (${feedback.file})`);
      table = appendFeedback(table, feedback.lines, experiment.data.target);
      // Keep the exact rows used, beside the run, so the retraining can be traced and repeated.
      writeFileAtomic(path.join(store.runDir(record.id), 'feedback-rows.jsonl'), feedback.lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
      record.retrainedFrom = { runId: options.feedbackFrom, feedbackRows: feedback.lines.length, skippedLines: feedback.skipped, file: 'feedback-rows.jsonl' };
      log(`retraining with ${feedback.lines.length} labelled requests from run ${options.feedbackFrom}`);
    }
    const bytes = statSync(loaded.dataPath).size;
    record.data = {
      path: path.relative(options.workspaceRoot, loaded.dataPath),
      sha256: await hashFile(loaded.dataPath),
      rows: table.rowCount,
      columns: table.columns.length,
      bytes,
    };
    const source = dataSourceOf(loaded.dataPath, options.workspaceRoot, (problem) => log(`warning: the data file's source is not recorded: ${problem}`));
    if (source) record.source = source;
    store.save(record);
    // Values that will not train as they look are said in the run's log and warnings, not passed over.
    for (const warning of dataQualityWarnings(table, experiment.data.target)) {
      (record.warnings ??= []).push(warning);
      log(`warning: ${warning}`);
    }
    log(`${table.rowCount} rows × ${table.columns.length} columns; training ${experiment.model.type}`);
    let lastSaved = 0;
    // A sweep's best candidate continues its progress after the trials; it does not start again at 0.
    const progress = new RunProgress(
      experiment,
      options.sweep ? { from: SWEEP_TRIALS_SHARE, phasePrefix: `best of ${options.sweep.trials.length} trials` } : {},
    );
    const result = await (options.train ?? trainExperiment)(experiment, table, {
      ...(options.scoreRound ? { scoreRound: options.scoreRound } : {}),
      seed: options.seed,
      signal: options.signal,
      embed: embedLocations(options.experimentFile, options.workspaceRoot),
      onProgress: (event) => {
        const { fraction, phase } = progress.report(event);
        store.appendMetric(record.id, { ...event });
        emit({ type: 'progress', runId: record.id, fraction, phase, event });
        if (Date.now() - lastSaved > 1000) {
          lastSaved = Date.now();
          record.progress = fraction;
          record.phase = phase;
          store.save(record);
        }
      },
      onTrial: (trial) => {
        const worker = options.trialWorker?.(trial.index);
        if (worker) record.trialWorkers = { ...record.trialWorkers, [String(trial.index)]: worker };
        store.appendMetric(record.id, { stage: 'trial', ...trial, ...(worker ? { worker } : {}) });
        emit({ type: 'trial', runId: record.id, trial, ...(worker ? { worker } : {}) });
        log(`trial ${trial.index + 1}${worker ? ` on ${worker}` : ''}: ${JSON.stringify(trial.params)} → ${trial.error ?? trial.score}`);
      },
      onWarning: (message) => {
        (record.warnings ??= []).push(message);
        store.save(record);
        log(`warning: ${message}`);
      },
    });
    await saveArtifacts(store.runDir(record.id), result);
    // Rows past the file's own come from feedback: they have no row in the data file to open.
    const errors = { ...result.errors, rows: result.errors.rows.map((row) => ({ ...row, row: row.row !== null && row.row <= fileRows ? row.row : null })) };
    writeJsonAtomic(path.join(store.runDir(record.id), ERRORS_FILE), errors);
    // What the preparation steps report of the final fit: rows dropped, dates that did not parse.
    for (const note of (result.pipeline as { notes?: readonly string[] }).notes ?? []) log(note);
    if (result.missingTargetRows !== undefined)
      log(`left out ${result.missingTargetRows} row(s) whose target "${experiment.data.target}" is missing (dropMissing)`);
    const trained = result.missingTargetRows ? withoutMissingTarget(table, experiment.data.target).table : table;
    const { features, target } = splitTarget(trained, experiment.data.target);
    const labels = (result.model as { classes?: readonly string[] }).classes ?? (result.metrics as { labels?: string[] }).labels;
    saveReference(store.runDir(record.id), features, target, result.task, labels, result.seed);
    const embeddings = embedRecord(result.pipeline);
    for (const step of embeddings?.steps ?? []) {
      log(
        `embed: column "${step.column}" → ${step.width} features from ${step.model} (sha256 ${step.sha256.slice(0, 12)}…), ${step.truncated} text(s) cut to ${step.max_length} tokens`,
      );
    }
    if (embeddings) log(`embed cache: ${embeddings.cache.hits} hit(s), ${embeddings.cache.misses} text(s) embedded`);
    Object.assign(record, {
      task: result.task,
      taskReason: result.task_reason,
      seed: result.seed,
      ...(result.missingTargetRows !== undefined ? { missingTargetRows: result.missingTargetRows } : {}),
      params: result.params,
      metrics: result.metrics,
      ...(result.cv ? { cv: result.cv } : {}),
      ...(result.trials ? { trials: result.trials, best: result.best } : {}),
      ...(options.sweep ? { trials: [...options.sweep.trials], best: options.sweep.best } : {}),
      featureNames: result.featureNames,
      ...(result.predictions ? { predictions: result.predictions } : {}),
      ...featureImportances(result),
      ...(result.permutation_importance ? { permutationImportance: result.permutation_importance } : {}),
      ...(embeddings ? { embeddings } : {}),
    });
    try {
      store.finish(record, 'completed');
    } catch (error) {
      throw new Error(`the run finished but its results could not be saved to run.json: ${error instanceof Error ? error.message : String(error)}`);
    }
    log(`completed: ${summarize(record)}`);
  } catch (error) {
    const cancelled = error instanceof CancelledError || options.signal?.aborted === true;
    const reason = cancelled ? cancelReason(options.signal) : error instanceof Error ? error.message : String(error);
    finishUnsuccessful(store, record, cancelled ? 'cancelled' : 'failed', reason);
    log(`${cancelled ? 'cancelled' : 'failed'}: ${record.reason ?? reason}`);
  }
  emit({ type: 'finished', runId: record.id, record });
  return record;
}

/** Trains the run streamed when its table does not fit in options.maxMemoryMb (true), reporting as the in-memory run does. */
async function trainStreamed(
  store: RunStore,
  record: RunRecord,
  experiment: StreamedRunContext['experiment'],
  dataPath: string,
  options: ExecuteOptions,
  sinks: { emit: (event: RunEvent) => void; log: (line: string) => void },
): Promise<boolean> {
  let lastSaved = 0;
  return trainStreamedIfOverBudget({
    store,
    record,
    experiment,
    dataPath,
    maxMemoryMb: options.maxMemoryMb as number,
    seed: options.seed,
    signal: options.signal,
    feedbackFrom: options.feedbackFrom,
    log: sinks.log,
    fingerprint: async (rows, columns) => {
      const bytes = statSync(dataPath).size;
      record.data = { path: path.relative(options.workspaceRoot, dataPath), sha256: await hashFile(dataPath), rows, columns, bytes };
      store.save(record);
    },
    onProgress: (fraction, phase, event) => {
      // metrics.jsonl keeps the model's steps (with their loss); the batches in between only move the progress.
      if (event.loss !== undefined) store.appendMetric(record.id, { ...event });
      sinks.emit({ type: 'progress', runId: record.id, fraction, phase, event });
      if (Date.now() - lastSaved > 1000) {
        lastSaved = Date.now();
        record.progress = fraction;
        record.phase = phase;
        store.save(record);
      }
    },
  });
}

/** Why a run was cancelled: the reason its signal was aborted with (e.g. "stopped by SIGTERM"), else the user. */
export function cancelReason(signal: AbortSignal | undefined): string {
  const given: unknown = signal?.reason;
  // abort() without a reason gives a DOMException named AbortError, whose message says nothing.
  if (given instanceof Error && given.name !== 'AbortError' && given.message) return given.message;
  if (typeof given === 'string' && given !== '') return given;
  return 'cancelled by the user';
}

/** What a run found, dropped when run.json cannot hold it, so that at least the status and reason are saved. */
const RESULT_KEYS = ['metrics', 'cv', 'trials', 'best', 'predictions', 'featureNames', 'featureImportances', 'permutationImportance'] as const;

/**
 * Marks a run failed or cancelled with its reason. When even that cannot be written (results too
 * large for one JSON string, or not JSON at all), it is written without the results, so run.json
 * never stays "running" with no word of why.
 */
export function finishUnsuccessful(store: RunStore, record: RunRecord, status: 'failed' | 'cancelled', reason: string): void {
  try {
    store.finish(record, status, reason);
  } catch (error) {
    for (const key of RESULT_KEYS) delete record[key];
    store.finish(record, status, `${reason} (its results were not kept: ${error instanceof Error ? error.message : String(error)})`);
  }
}

async function saveArtifacts(runDir: string, result: TrainResult): Promise<void> {
  writeJsonAtomic(path.join(runDir, 'pipeline.json'), result.pipeline.toJSON());
  await saveModelFiles(runDir, result.model as SavableModel);
}

function featureImportances(result: TrainResult): { featureImportances?: number[] } {
  const importances = (result.model as { featureImportances?: Float64Array }).featureImportances;
  return importances && importances.length === result.featureNames.length ? { featureImportances: Array.from(importances) } : {};
}

function summarize(record: RunRecord): string {
  const metric = keyMetric(record);
  return metric ? `${metric.name} ${metric.value.toFixed(4)}` : record.status;
}
