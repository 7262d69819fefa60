/**
 * Online updates of the served model from feedback: once `minRows` labelled rows have come back,
 * a copy of the current model learns from them (partialFit: naive Bayes counts, one SGD epoch for
 * the linear models, one Adam epoch for the MLP), is saved as the run's next model version and
 * replaces the served one. The preparation pipeline stays the one fitted in training. Updates run
 * one at a time after the feedback is answered; a failed update leaves the served model as it was.
 */
import { modelFromJSON, onlineModelTypes, supportsOnlineUpdates, type Model } from '../core/models/registry';
import type { LoadedRunModel } from '../core/runs/artifacts';
import { saveModelVersion, type ModelVersion } from '../core/runs/versions';
import { isOnlineLearner, type Target } from '../core/types';
import type { LabelledRow, VersionFeedback } from './feedback';
import { tableFromBody } from './input';

export interface OnlineOptions {
  /** Labelled rows gathered before an update runs. */
  readonly minRows: number;
  /** Step size of the update; left out, the model's default. */
  readonly learningRate?: number;
}

export const DEFAULT_ONLINE_ROWS = 20;

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
  readonly updates: number;
  readonly pendingRows: number;
  readonly updating: boolean;
  readonly lastError?: string;
  readonly lastUpdateAt?: string;
}

/** Gathers labelled rows and turns them into new model versions. */
export class OnlineUpdater {
  private pending: LabelledRow[] = [];
  private running: Promise<void> | undefined;
  private updates = 0;
  private lastError: string | undefined;
  private lastUpdateAt: string | undefined;
  readonly supported: boolean;

  constructor(
    private readonly runDir: string,
    private readonly options: OnlineOptions,
    /** Saves each version into the run folder (false: kept in memory only). */
    private readonly persist: boolean,
    private readonly current: () => LoadedRunModel,
    private readonly replace: (next: LoadedRunModel) => void,
    private readonly log: (line: string) => void,
  ) {
    this.supported = supportsOnlineUpdates(current().model.type);
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
    const loaded = this.current();
    const labels = loaded.schema.task === 'classification' ? new Set(loaded.schema.labels ?? []) : undefined;
    // A class the model never saw cannot be added by an online update; retraining can.
    const usable = labels ? batch.filter((entry) => labels.has(String(entry.label))) : batch;
    const skipped = batch.length - usable.length;
    if (usable.length === 0) {
      this.lastError = `${skipped} labelled row(s) name classes the model does not know (${[...new Set(batch.map((e) => String(e.label)))].slice(0, 5).join(', ')}); retrain with feedback to add classes`;
      this.log(`online update skipped: ${this.lastError}`);
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
      const meta = {
        parent: loaded.version.version,
        source: 'online' as const,
        rows: usable.length,
        // Counted along the version's own line: after going back to an older version, from that one.
        onlineRows: (loaded.version.onlineRows ?? 0) + usable.length,
        ...(skipped > 0 ? { skippedRows: skipped } : {}),
        ...(this.options.learningRate === undefined ? {} : { learningRate: this.options.learningRate }),
      };
      const version: ModelVersion = this.persist
        ? await saveModelVersion(this.runDir, next, meta)
        : { ...meta, version: loaded.version.version + 1, createdAt: new Date().toISOString(), dir: '' };
      this.replace(loaded.withModel(next, version));
      (loaded.model as { dispose?: () => void }).dispose?.();
      this.updates++;
      this.lastUpdateAt = version.createdAt;
      this.lastError = skipped > 0 ? `${skipped} row(s) with unknown classes were left out of version ${version.version}` : undefined;
      this.log(`model version ${version.version}: updated online from ${usable.length} labelled row(s) (from version ${loaded.version.version})`);
    } catch (error) {
      this.lastError = `online update failed: ${(error as Error).message}`;
      this.log(this.lastError);
    }
  }

  status(): OnlineStatus {
    const type = this.current().model.type;
    return {
      enabled: true,
      supported: this.supported,
      ...(this.supported ? {} : { reason: `${type} cannot learn online; online updates work for ${onlineModelTypes().join(', ')}` }),
      minRows: this.options.minRows,
      ...(this.options.learningRate === undefined ? {} : { learningRate: this.options.learningRate }),
      updates: this.updates,
      pendingRows: this.pending.length,
      updating: this.running !== undefined,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastUpdateAt ? { lastUpdateAt: this.lastUpdateAt } : {}),
    };
  }
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
