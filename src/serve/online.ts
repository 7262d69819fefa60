/**
 * Online updates of the served model from feedback: once `minRows` labelled rows have come back,
 * a copy of the current model learns from them (partialFit: naive Bayes counts, one SGD epoch for
 * the linear models, one Adam epoch for the MLP) and is saved as the run's next model version.
 * Before it serves, it is scored beside the serving version on rows it did not learn from: the
 * most recent labelled rows of earlier updates (once there are MIN_CHECK_ROWS), or before that
 * the training sample the run kept (reference.json). An update that scores worse than the margin
 * allows is kept as a version but held back: the serving version goes on serving, later updates
 * grow from it, and /monitor says why. Earlier rows count whether their update served or not, so
 * that the check follows data that really moved (a drift looks like poison at first). The
 * preparation pipeline stays the one fitted in training. Updates run one at a time after the
 * feedback is answered; a failed update leaves the served model as it was.
 */
import { modelFromJSON, onlineModelTypes, supportsOnlineUpdates, type Model } from '../core/models/registry';
import type { LoadedRunModel } from '../core/runs/artifacts';
import { saveModelVersion, type HeldOutCheck, type ModelVersion } from '../core/runs/versions';
import { isOnlineLearner, type Target } from '../core/types';
import type { LabelledRow, VersionFeedback } from './feedback';
import { tableFromBody } from './input';

export interface OnlineOptions {
  /** Labelled rows gathered before an update runs. */
  readonly minRows: number;
  /** Step size of the update; left out, the model's default. */
  readonly learningRate?: number;
  /** How much worse than the serving version an update may score and still serve: accuracy points, or a share of the RMSE (default 0.05). */
  readonly margin?: number;
}

export const DEFAULT_ONLINE_ROWS = 20;
export const DEFAULT_MARGIN = 0.05;
/** Earlier feedback rows needed before they, not the training sample, check an update: fewer give too coarse a score. */
export const MIN_CHECK_ROWS = 20;
/** The most rows an update is checked on: the most recent feedback, or the start of the training sample. */
export const MAX_CHECK_ROWS = 1000;

/** One version as /monitor reports it, with the feedback on the predictions it made. */
export interface VersionSummary extends ModelVersion {
  readonly feedback: { readonly count: number; readonly accuracy?: number; readonly mae?: number; readonly rmse?: number };
}

/** What /monitor and /health report of online updates. */
export interface OnlineStatus {
  readonly enabled: boolean;
  /** False when the model type cannot learn online (`reason` says why). */
  readonly supported: boolean;
  readonly reason?: string;
  readonly minRows: number;
  readonly learningRate?: number;
  readonly margin: number;
  /** What the next update will be checked on: earlier feedback, the training sample, or nothing (an older run without one). */
  readonly checkOn: 'feedback' | 'training' | 'none';
  readonly updates: number;
  /** Updates kept as versions but not served (they scored worse than the margin allows). */
  readonly heldBack: number;
  readonly pendingRows: number;
  readonly updating: boolean;
  readonly lastError?: string;
  readonly lastUpdateAt?: string;
}

/** What the updater needs of the service it updates. */
export interface OnlineHooks {
  /** The version serving now. */
  current(): LoadedRunModel;
  /** The highest version number the run has (held-back versions included). */
  newestVersion(): number;
  /** A new version was made: it serves (with its `next` model), or it is held back (no `next`). */
  added(version: ModelVersion, next?: LoadedRunModel): void;
  /** Labelled rows of the training data the run kept; empty for older runs. */
  trainingSample(): readonly LabelledRow[];
  log(line: string): void;
}

/** Gathers labelled rows and turns them into new model versions. */
export class OnlineUpdater {
  private pending: LabelledRow[] = [];
  /** Rows of earlier updates, the most recent MAX_CHECK_ROWS: what the next update did not learn from. */
  private earlier: LabelledRow[] = [];
  private running: Promise<void> | undefined;
  private updates = 0;
  private heldBack = 0;
  private lastError: string | undefined;
  private lastUpdateAt: string | undefined;
  readonly supported: boolean;
  private readonly margin: number;

  constructor(
    private readonly runDir: string,
    private readonly options: OnlineOptions,
    /** Saves each version into the run folder (false: kept in memory only). */
    private readonly persist: boolean,
    private readonly hooks: OnlineHooks,
  ) {
    this.supported = supportsOnlineUpdates(hooks.current().model.type);
    this.margin = options.margin ?? DEFAULT_MARGIN;
  }

  /** What /health reports: 'unsupported' when the model type cannot learn online. */
  get state(): 'on' | 'unsupported' {
    return this.supported ? 'on' : 'unsupported';
  }

  /** Queues labelled rows; starts an update once enough are waiting. */
  add(rows: readonly LabelledRow[]): void {
    if (!this.supported) return;
    this.pending.push(...rows);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.pending.length < this.options.minRows) return;
    this.running = this.update().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  /** Resolves once no update is running (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async update(): Promise<void> {
    const batch = this.pending.splice(0);
    try {
      await this.learn(batch);
    } finally {
      // Whatever became of this update, its rows are ones the next update did not learn from.
      this.earlier.push(...batch);
      if (this.earlier.length > MAX_CHECK_ROWS) this.earlier.splice(0, this.earlier.length - MAX_CHECK_ROWS);
    }
  }

  private async learn(batch: readonly LabelledRow[]): Promise<void> {
    const loaded = this.hooks.current();
    const labels = loaded.schema.task === 'classification' ? new Set(loaded.schema.labels ?? []) : undefined;
    // A class the model never saw cannot be added by an online update; retraining can.
    const usable = labels ? batch.filter((entry) => labels.has(String(entry.label))) : batch;
    const skipped = batch.length - usable.length;
    if (usable.length === 0) {
      this.lastError = `${skipped} labelled row(s) name classes the model does not know (${[...new Set(batch.map((e) => String(e.label)))].slice(0, 5).join(', ')}); retrain with feedback to add classes`;
      this.hooks.log(`online update skipped: ${this.lastError}`);
      return;
    }
    try {
      const { table } = tableFromBody({ dataframe_records: usable.map((entry) => entry.row) }, loaded.schema, false);
      const X = loaded.prepare(table);
      const y: Target =
        loaded.schema.task === 'classification' ? usable.map((entry) => String(entry.label)) : Float64Array.from(usable, (entry) => Number(entry.label));
      const next: Model = modelFromJSON(loaded.model.toJSON());
      if (!isOnlineLearner(next)) throw new Error(`${next.type} has no partialFit`);
      await next.partialFit(X as never, y, this.options.learningRate === undefined ? {} : { learningRate: this.options.learningRate });
      const check = this.check(loaded, loaded.withModel(next, loaded.version));
      const number = this.hooks.newestVersion() + 1;
      const heldBack = check && isWorse(check) ? heldBackReason(check) : undefined;
      const meta = {
        parent: loaded.version.version,
        source: 'online' as const,
        rows: usable.length,
        // Counted along the version's own line: after going back to an older version, from that one.
        onlineRows: (loaded.version.onlineRows ?? 0) + usable.length,
        ...(skipped > 0 ? { skippedRows: skipped } : {}),
        ...(this.options.learningRate === undefined ? {} : { learningRate: this.options.learningRate }),
        ...(check ? { check } : {}),
        ...(heldBack ? { heldBack } : {}),
      };
      const version: ModelVersion = this.persist
        ? await saveModelVersion(this.runDir, next, meta, heldBack === undefined)
        : { ...meta, version: number, createdAt: new Date().toISOString(), dir: '' };
      this.updates++;
      this.lastUpdateAt = version.createdAt;
      if (heldBack) {
        // Kept on disk for inspection or a deliberate switch; the serving model stays.
        this.hooks.added(version);
        (next as { dispose?: () => void }).dispose?.();
        this.heldBack++;
        this.lastError = `version ${version.version} is kept but ${heldBack}`;
        this.hooks.log(`model version ${version.version} is kept but ${heldBack}`);
        return;
      }
      this.hooks.added(version, loaded.withModel(next, version));
      (loaded.model as { dispose?: () => void }).dispose?.();
      this.lastError = skipped > 0 ? `${skipped} row(s) with unknown classes were left out of version ${version.version}` : undefined;
      this.hooks.log(`model version ${version.version}: updated online from ${usable.length} labelled row(s) (from version ${loaded.version.version})`);
    } catch (error) {
      this.lastError = `online update failed: ${(error as Error).message}`;
      this.hooks.log(this.lastError);
    }
  }

  /** The rows the next update is checked on, and where they come from. */
  private checkRows(): { rows: readonly LabelledRow[]; source: HeldOutCheck['source'] } | undefined {
    if (this.earlier.length >= MIN_CHECK_ROWS) return { rows: this.earlier, source: 'feedback' };
    const sample = this.hooks.trainingSample();
    return sample.length > 0 ? { rows: sample.slice(0, MAX_CHECK_ROWS), source: 'training' } : undefined;
  }

  /** Scores the serving model and the update on rows the update did not learn from (whose labels the model knows); undefined when there are none. */
  private check(serving: LoadedRunModel, candidate: LoadedRunModel): HeldOutCheck | undefined {
    const chosen = this.checkRows();
    if (!chosen) return undefined;
    const classification = serving.schema.task === 'classification';
    const known = classification ? new Set(serving.schema.labels ?? []) : undefined;
    const rows = known ? chosen.rows.filter((entry) => known.has(String(entry.label))) : chosen.rows;
    if (rows.length === 0) return undefined;
    const { table } = tableFromBody({ dataframe_records: rows.map((entry) => entry.row) }, serving.schema, false);
    const score = (model: LoadedRunModel): number => {
      const predictions = model.predict(table).predictions;
      if (classification) return predictions.filter((p, i) => String(p) === String(rows[i]?.label)).length / rows.length;
      let squared = 0;
      predictions.forEach((p, i) => (squared += (Number(p) - Number(rows[i]?.label)) ** 2));
      const rmse = Math.sqrt(squared / rows.length);
      return Number.isFinite(rmse) ? rmse : Number.POSITIVE_INFINITY;
    };
    return {
      rows: rows.length,
      source: chosen.source,
      metric: classification ? 'accuracy' : 'rmse',
      candidate: score(candidate),
      serving: score(serving),
      servingVersion: serving.version.version,
      margin: this.margin,
    };
  }

  status(): OnlineStatus {
    const type = this.hooks.current().model.type;
    return {
      enabled: true,
      supported: this.supported,
      ...(this.supported ? {} : { reason: `${type} cannot learn online; online updates work for ${onlineModelTypes().join(', ')}` }),
      minRows: this.options.minRows,
      ...(this.options.learningRate === undefined ? {} : { learningRate: this.options.learningRate }),
      margin: this.margin,
      checkOn: this.checkRows()?.source ?? 'none',
      updates: this.updates,
      heldBack: this.heldBack,
      pendingRows: this.pending.length,
      updating: this.running !== undefined,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastUpdateAt ? { lastUpdateAt: this.lastUpdateAt } : {}),
    };
  }
}

/** True when the update scored worse than the margin allows (an RMSE that is not a number is worse). */
function isWorse(check: HeldOutCheck): boolean {
  if (check.metric === 'accuracy') return check.candidate < check.serving - check.margin;
  return !(check.candidate <= check.serving * (1 + check.margin));
}

/** Why an update is not served, as /monitor, the log and the version index say it. */
function heldBackReason(check: HeldOutCheck): string {
  const figure = (value: number): string => (Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value));
  const margin =
    check.metric === 'accuracy' ? `lower by more than the margin of ${check.margin}` : `higher by more than the margin of ${Math.round(check.margin * 100)}%`;
  const rows = check.source === 'feedback' ? `${check.rows} rows of earlier feedback` : `${check.rows} rows of the training data`;
  return `not served: on ${rows} its ${check.metric === 'accuracy' ? 'accuracy' : 'RMSE'} is ${figure(check.candidate)} against ${figure(check.serving)} for version ${check.servingVersion} (${margin}); version ${check.servingVersion} goes on serving`;
}

/** Each version with the feedback on its predictions (accuracy, or MAE and RMSE). */
export function summariseVersions(versions: readonly ModelVersion[], byVersion: ReadonlyMap<number, VersionFeedback>, task: string): VersionSummary[] {
  return versions.map((version) => {
    const entry = byVersion.get(version.version);
    if (!entry || entry.count === 0) return { ...version, feedback: { count: 0 } };
    const feedback =
      task === 'classification'
        ? { count: entry.count, accuracy: entry.correct / entry.count }
        : { count: entry.count, mae: entry.absError / entry.count, rmse: Math.sqrt(entry.squaredError / entry.count) };
    return { ...version, feedback };
  });
}
