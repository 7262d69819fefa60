/**
 * The prediction service without HTTP: a run's model with its schema, the prediction log and
 * feedback, request statistics and the drift window. app.ts routes requests to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadEncoder } from '../core/embed/encoder';
import { checkEncoderFolders, type EncoderUse } from '../core/runs/encoders';
import { loadRunModel, type LoadedRunModel, type ReferenceSample, type RunSchema, type TargetRange } from '../core/runs/artifacts';
import { listModelVersions, type ModelVersion } from '../core/runs/versions';
import { readRunRecord, type RunRecord } from '../core/runs/store';
import { MlError } from '../core/types';
import packageJson from '../../package.json';
import { DriftWindow } from './driftWindow';
import type { MonitorSnapshot } from './contract';
import { RequestError } from './errors';
import { FeedbackLog, type FeedbackBody, type LabelledRow, type ServiceFeedbackMetrics } from './feedback';
import { tableFromBody, type InvocationBody } from './input';
import { MAX_CHECK_ROWS, OnlineUpdater, summariseVersions, type OnlineOptions } from './online';
import { RequestStats } from './stats';

export type { MonitorSnapshot } from './contract';

export interface ServiceOptions {
  /** A completed run folder, or an exported one (same files). */
  readonly runDir: string;
  /** Rows of recent requests that drift is measured on. */
  readonly windowSize?: number;
  /** Most rows one request may hold. */
  readonly maxBatchRows?: number;
  /** Predictions remembered (with their rows) for feedback; default 50,000. */
  readonly predictionLogSize?: number;
  /**
   * Appends feedback to `<runDir>/feedback.jsonl` and saves online updates as model versions in
   * the run folder (default true; false keeps both in memory).
   */
  readonly writeFeedback?: boolean;
  /** Update the model online from feedback (when its type supports it). */
  readonly online?: OnlineOptions;
  /** Classification: take feedback labels of classes the model does not know (for retraining); default: 400. */
  readonly acceptNewClasses?: boolean;
}

export interface InvocationResult {
  readonly predictions: (string | number)[];
  readonly probabilities?: number[][];
  readonly labels?: readonly string[];
  readonly prediction_ids: string[];
}

export const DEFAULT_MAX_BATCH_ROWS = 10_000;
export const DEFAULT_WINDOW_SIZE = 1_000;
/** Bounds the memory the prediction log takes (roughly 0.3 KB a row of a few columns). */
export const DEFAULT_PREDICTION_LOG = 50_000;

/**
 * The range of a run's held-out target values: the bound of feedback values for runs whose
 * schema.json predates the training range (their run.json keeps up to 5,000 such values).
 */
function rangeOf(values: readonly number[] | undefined): TargetRange | undefined {
  const finite = (values ?? []).filter((v) => Number.isFinite(v));
  return finite.length > 0 ? { min: Math.min(...finite), max: Math.max(...finite) } : undefined;
}

/** The reference sample's rows with their target (what online updates are checked on first); empty for runs that kept no target. */
function trainingSample(reference: ReferenceSample | undefined, schema: RunSchema): LabelledRow[] {
  const target = reference?.target;
  if (!reference || !target) return [];
  const rows: LabelledRow[] = [];
  for (let i = 0; i < Math.min(reference.rows, MAX_CHECK_ROWS); i++) {
    const label = target[i];
    if (label === null || label === undefined) continue;
    const row = Object.fromEntries(schema.features.map((f) => [f.name, reference.columns[f.name]?.[i] ?? null]));
    rows.push({ row, label: schema.task === 'classification' ? String(label) : Number(label), version: 0 });
  }
  return rows;
}

/** Why a run that is not completed cannot be served, in the words of its status. */
function notServable(run: RunRecord): string {
  const only = 'only a completed run can be served';
  switch (run.status) {
    case 'running':
    case 'queued':
      return `run ${run.id} is still ${run.status} (process ${run.owner?.pid ?? '?'}); ${only}`;
    case 'interrupted':
      return `run ${run.id} was interrupted: the process that trained it (${run.owner?.pid ?? '?'}) ended before it completed; train it again, ${only}`;
    case 'damaged':
      return `run ${run.id} is damaged: ${run.reason ?? 'its run.json cannot be read'}`;
    default:
      return `run ${run.id} ${run.status}${run.reason ? ` (${run.reason})` : ''}; ${only}`;
  }
}

/**
 * The encoder folders of a run with embed steps, checked (present, same SHA-256 as in training) and
 * loaded before the service listens, so a missing or changed folder stops the start with a message
 * naming it rather than failing the first request.
 */
async function checkEncoders(runDir: string, options: ServiceOptions): Promise<EncoderUse[]> {
  const pipelineFile = path.join(runDir, 'pipeline.json');
  if (!existsSync(pipelineFile)) return [];
  const uses = checkEncoderFolders(JSON.parse(readFileSync(pipelineFile, 'utf8')) as unknown, runDir);
  if (uses.length === 0) return uses;
  if (options.online) {
    throw new MlError(
      'online updates (--online) are not available for a run with an embed step: its texts are embedded asynchronously; serve it without --online',
    );
  }
  for (const use of uses) await loadEncoder(use.folder);
  return uses;
}

/** A loaded run ready to answer requests. */
export class PredictionService {
  readonly stats = new RequestStats();
  readonly started = Date.now();
  readonly maxBatchRows: number;
  readonly feedbackLog: FeedbackLog;
  readonly window: DriftWindow;
  /** Predictions served by class (classification); count and sum (regression). */
  private readonly byClass = new Map<string, number>();
  private predictionCount = 0;
  private predictionSum = 0;
  private lastCpu = { usage: process.cpuUsage(), at: process.hrtime.bigint() };
  /** Every version of the run's model, oldest first (the serving one may be an older one). */
  private readonly versions: ModelVersion[];
  readonly online: OnlineUpdater | undefined;
  /** The pretrained encoders the run's embed steps read (loaded at start), by column. */
  encoders: readonly EncoderUse[] = [];
  /** The run's labelled training sample, read once when an online update first needs it. */
  private sample: LabelledRow[] | undefined;

  private constructor(
    readonly runDir: string,
    readonly run: Partial<RunRecord> & { id: string },
    private current: LoadedRunModel,
    options: ServiceOptions,
  ) {
    this.versions = listModelVersions(runDir);
    if (options.online) {
      this.online = new OnlineUpdater(runDir, options.online, options.writeFeedback !== false, {
        current: () => this.current,
        newestVersion: () => Math.max(...this.versions.map((v) => v.version)),
        added: (version, next) => {
          this.versions.push(version);
          if (next) this.current = next;
        },
        trainingSample: () => (this.sample ??= trainingSample(this.window.reference, this.schema)),
        log: (line) => process.stderr.write(`mlwb serve: ${line}\n`),
      });
    }
    this.maxBatchRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
    const feedbackFile = options.writeFeedback === false ? undefined : path.join(runDir, 'feedback.jsonl');
    const trainingRange = current.schema.target.range ?? rangeOf(run.predictions?.actual);
    this.feedbackLog = new FeedbackLog(current.schema.task, run.id, feedbackFile, options.predictionLogSize ?? DEFAULT_PREDICTION_LOG, {
      ...(current.schema.labels ? { labels: current.schema.labels } : {}),
      ...(options.acceptNewClasses ? { acceptNewClasses: true } : {}),
      ...(trainingRange ? { trainingRange } : {}),
      targetName: current.schema.target.name,
    });
    this.window = new DriftWindow(runDir, current.schema, options.windowSize ?? DEFAULT_WINDOW_SIZE);
    for (const label of current.schema.labels ?? []) this.byClass.set(label, 0);
  }

  /** Loads the run's pipeline, model and schema; fails with a message naming the folder. */
  static async load(options: ServiceOptions): Promise<PredictionService> {
    const runDir = path.resolve(options.runDir);
    if (!existsSync(runDir)) throw new MlError(`run folder not found: ${runDir}`);
    // An exported folder may lack run.json; a run folder's is read as the store reads it.
    const run = readRunRecord(runDir) ?? { id: path.basename(runDir) };
    if ('status' in run && run.status !== 'completed') throw new MlError(notServable(run));
    const encoders = await checkEncoders(runDir, options);
    const service = new PredictionService(runDir, run, await loadRunModel(runDir), options);
    service.encoders = encoders;
    return service;
  }

  /** The pipeline and the model version serving now. */
  get loaded(): LoadedRunModel {
    return this.current;
  }

  get modelVersion(): number {
    return this.current.version.version;
  }

  get schema(): RunSchema {
    return this.loaded.schema;
  }

  get modelType(): string {
    return this.loaded.model.type;
  }

  /** Predicts for a body of one of the accepted shapes; `fromText` when it came as CSV. Runs with an embed step embed the rows' texts first. */
  async invoke(body: InvocationBody, fromText = false): Promise<InvocationResult> {
    const { table, rows } = tableFromBody(body, this.schema, fromText, new Set(this.loaded.optionalInputs));
    if (table.rowCount === 0) throw new RequestError(400, 'empty_batch', 'the request holds no rows');
    if (table.rowCount > this.maxBatchRows) {
      throw new RequestError(413, 'batch_too_large', `the request holds ${table.rowCount} rows; at most ${this.maxBatchRows} are accepted per request`);
    }
    let output: ReturnType<LoadedRunModel['predict']>;
    // The model serving now: an online update may replace it while the texts are embedded.
    const serving = this.loaded;
    try {
      output = serving.isAsync ? await serving.predictAsync(table) : serving.predict(table);
    } catch (error) {
      // The core names the column (e.g. a missing value the pipeline cannot fill): the client can fix it.
      if (error instanceof MlError) throw new RequestError(422, 'cannot_predict', error.message);
      throw error;
    }
    const predictions = output.predictions.map((p) => (typeof p === 'number' && !Number.isFinite(p) ? Number.NaN : p));
    this.countPredictions(predictions);
    this.window.add(rows);
    const ids = this.feedbackLog.recordPredictions(rows, predictions, serving.version.version);
    return {
      predictions,
      ...(output.probabilities ? { probabilities: output.probabilities, labels: this.schema.labels ?? [] } : {}),
      prediction_ids: ids,
    };
  }

  private countPredictions(predictions: readonly (string | number)[]): void {
    for (const p of predictions) {
      this.predictionCount++;
      if (typeof p === 'number') this.predictionSum += p;
      else this.byClass.set(p, (this.byClass.get(p) ?? 0) + 1);
    }
  }

  /** Joins labels/values to earlier predictions (see FeedbackLog.add) and queues them for an online update. */
  async feedback(body: FeedbackBody): Promise<number> {
    const labelled = await this.feedbackLog.add(body);
    this.online?.add(labelled);
    return labelled.length;
  }

  /** Scores of the model on the feedback received so far. */
  feedbackMetrics(): ServiceFeedbackMetrics {
    return this.feedbackLog.metrics();
  }

  predictionsSummary(): MonitorSnapshot['predictions'] {
    if (this.schema.task === 'classification') return { total: this.predictionCount, byClass: Object.fromEntries(this.byClass) };
    return { total: this.predictionCount, ...(this.predictionCount ? { mean: this.predictionSum / this.predictionCount } : {}) };
  }

  health(): Record<string, unknown> {
    return {
      status: 'ok',
      model: this.modelType,
      task: this.schema.task,
      run_id: this.run.id,
      experiment: this.run.experiment ?? null,
      features: this.schema.features.map((f) => f.name),
      model_version: this.modelVersion,
      online_updates: this.online?.state ?? 'off',
      ...(this.encoders.length > 0 ? { encoders: this.encoders.map((e) => ({ column: e.column, sha256: e.sha256 })) } : {}),
      uptime_seconds: (Date.now() - this.started) / 1000,
      requests: this.stats.total,
    };
  }

  version(): Record<string, unknown> {
    return { mlwb: packageJson.version, node: process.version, model: this.modelType, run_id: this.run.id, model_version: this.modelVersion };
  }

  /** CPU use of this process since the previous call, in percent of one core. */
  private cpuPercent(): number {
    const now = process.hrtime.bigint();
    const usage = process.cpuUsage(this.lastCpu.usage);
    const elapsedMicros = Number(now - this.lastCpu.at) / 1000;
    this.lastCpu = { usage: process.cpuUsage(), at: now };
    return elapsedMicros > 0 ? (100 * (usage.user + usage.system)) / elapsedMicros : 0;
  }

  monitor(): MonitorSnapshot {
    const memory = process.memoryUsage();
    const window = this.stats.summary();
    const drift = this.window.report();
    return {
      time: new Date().toISOString(),
      runId: this.run.id,
      model: this.modelType,
      task: this.schema.task,
      uptimeSeconds: (Date.now() - this.started) / 1000,
      requests: this.stats.total,
      windowSeconds: window.windowSeconds,
      requestsPerSecond: window.requestsPerSecond,
      errorRate: window.errorRate,
      latency: window.latencyMs.count > 0 ? window.latencyMs : { count: 0 },
      process: { pid: process.pid, cpuPercent: this.cpuPercent(), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      predictions: this.predictionsSummary(),
      feedback: this.feedbackMetrics(),
      modelVersion: this.modelVersion,
      versions: summariseVersions(this.versions.slice(-20), this.feedbackLog.byVersion, this.schema.task),
      ...(this.online ? { online: this.online.status() } : {}),
      ...(drift ? { drift: { ...drift, driftedFeatures: drift.driftedFeatures.length, driftedFeatureNames: drift.driftedFeatures } } : {}),
    };
  }

  async close(): Promise<void> {
    await this.online?.idle();
    await this.feedbackLog.close();
  }
}
