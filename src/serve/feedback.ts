/**
 * Prediction ids and the true labels/values clients send back for them. The join and the scores
 * are core/monitor's FeedbackStore; this adds the ids, the request checks, and the append of every
 * accepted label to `<runDir>/feedback.jsonl` with the request row, the prediction and timestamps,
 * so a retraining can use it with its provenance.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { FeedbackStore, type FeedbackMetrics } from '../core/monitor';
import type { Task } from '../core/types';
import { RequestError } from './errors';

export type Cell = number | string | null;

export interface FeedbackBody {
  readonly prediction_ids: readonly string[];
  readonly labels?: readonly unknown[];
  readonly values?: readonly unknown[];
}

/** JSON Schema of POST /feedback: ids with labels (classification) or values (regression). */
export function feedbackBodySchema(maxRows: number): Record<string, unknown> {
  const list = { type: 'array', minItems: 1, maxItems: maxRows };
  return {
    type: 'object',
    required: ['prediction_ids'],
    additionalProperties: false,
    properties: {
      prediction_ids: { ...list, items: { type: 'string' } },
      labels: { ...list, items: { type: ['string', 'number', 'boolean'] } },
      values: { ...list, items: { type: 'number' } },
    },
    oneOf: [{ required: ['labels'] }, { required: ['values'] }],
  };
}

/** Feedback scores, `{ count: 0 }` before any feedback. */
export type ServiceFeedbackMetrics = FeedbackMetrics | { readonly count: 0 };

interface LoggedPrediction {
  readonly time: number;
  readonly row: Readonly<Record<string, Cell>>;
  readonly prediction: string | number;
  /** The model version that made it. */
  readonly version: number;
}

/** A request row joined to the label or value sent back for it (what an online update learns from). */
export interface LabelledRow {
  readonly row: Readonly<Record<string, Cell>>;
  readonly label: string | number;
  readonly version: number;
}

/** Feedback on the predictions of one model version: how many, and how right they were. */
export interface VersionFeedback {
  count: number;
  /** Classification: predictions that matched the label. */
  correct: number;
  /** Regression: sums of absolute and squared errors. */
  absError: number;
  squaredError: number;
}

/**
 * Gives predictions ids and remembers the last `capacity` of them with their rows; joins feedback
 * to them (the joined pairs go to core/monitor's FeedbackStore, which scores them) and appends it
 * to a JSONL file.
 */
export class FeedbackLog {
  private readonly predictions = new Map<string, LoggedPrediction>();
  private readonly joined: FeedbackStore;
  private readonly file: WriteStream | undefined;
  // A per-process prefix keeps ids unique across restarts of the service on the same run.
  private readonly prefix = randomUUID().slice(0, 8);
  private counter = 0;
  /** Labels and values accepted since start (a second label for an id counts again). */
  total = 0;
  /** Feedback by the model version whose predictions it labels. */
  readonly byVersion = new Map<number, VersionFeedback>();

  constructor(
    private readonly task: Task,
    private readonly runId: string,
    file: string | undefined,
    private readonly capacity = 100_000,
    labels?: readonly string[],
  ) {
    this.joined = new FeedbackStore(task, capacity, labels);
    this.file = file ? createWriteStream(file, { flags: 'a' }) : undefined;
    this.file?.on('error', () => undefined); // a full disk must not kill the service; feedback stays in memory
  }

  /** Remembers each row's prediction (the oldest are forgotten past the capacity) and returns new ids. */
  recordPredictions(rows: readonly Readonly<Record<string, Cell>>[], predictions: readonly (string | number)[], version = 1): string[] {
    const time = Date.now();
    return predictions.map((prediction, i) => {
      const id = `${this.prefix}-${(this.counter++).toString(36)}`;
      this.predictions.set(id, { time, row: rows[i] ?? {}, prediction, version });
      if (this.predictions.size > this.capacity) this.predictions.delete(this.predictions.keys().next().value as string);
      return id;
    });
  }

  /** Joins labels/values to predictions; unknown ids or bad values answer 4xx before anything is stored. */
  async add(body: FeedbackBody): Promise<LabelledRow[]> {
    const ids = body.prediction_ids;
    const raw = body.labels ?? body.values ?? [];
    if (raw.length !== ids.length) {
      throw new RequestError(400, 'length_mismatch', `${ids.length} prediction_ids but ${raw.length} ${body.labels ? 'labels' : 'values'}`);
    }
    if (this.task === 'regression' && !body.values) {
      throw new RequestError(400, 'wrong_type', 'this model is a regression: send "values" (numbers), not "labels"');
    }
    const empty = raw.findIndex((value) => value === '');
    if (empty >= 0) throw new RequestError(400, 'wrong_type', `label ${empty + 1} is an empty string`, { row: empty + 1 });
    const unknown = ids.filter((id) => !this.predictions.has(id));
    if (unknown.length > 0) {
      throw new RequestError(404, 'unknown_prediction_ids', `${unknown.length} prediction id(s) are unknown or too old: ${unknown.slice(0, 10).join(', ')}`, {
        prediction_ids: unknown,
      });
    }
    const at = Date.now();
    const labelled: LabelledRow[] = [];
    const lines = ids.map((id, i) => {
      const logged = this.predictions.get(id) as LoggedPrediction;
      const label = this.task === 'classification' ? String(raw[i]) : (raw[i] as number);
      // Only predictions with feedback enter the joined store, so it holds the last `capacity` pairs.
      this.joined.recordPrediction(id, logged.prediction, logged.time);
      this.joined.addFeedback(id, label, at);
      this.tally(logged, label);
      labelled.push({ row: logged.row, label, version: logged.version });
      return JSON.stringify({
        time: new Date(at).toISOString(),
        run_id: this.runId,
        prediction_id: id,
        predicted_at: new Date(logged.time).toISOString(),
        features: logged.row,
        prediction: logged.prediction,
        model_version: logged.version,
        label,
      });
    });
    this.total += ids.length;
    const file = this.file;
    if (file && !file.destroyed) await new Promise<void>((resolve) => file.write(`${lines.join('\n')}\n`, () => resolve()));
    return labelled;
  }

  private tally(logged: LoggedPrediction, label: string | number): void {
    let entry = this.byVersion.get(logged.version);
    if (!entry) this.byVersion.set(logged.version, (entry = { count: 0, correct: 0, absError: 0, squaredError: 0 }));
    entry.count++;
    if (typeof label === 'number' && typeof logged.prediction === 'number') {
      entry.absError += Math.abs(label - logged.prediction);
      entry.squaredError += (label - logged.prediction) ** 2;
    } else if (String(label) === String(logged.prediction)) entry.correct++;
  }

  /** Scores of the model on the feedback joined so far. */
  metrics(): ServiceFeedbackMetrics {
    return this.joined.metrics() ?? { count: 0 };
  }

  close(): Promise<void> {
    const file = this.file;
    return file ? new Promise((resolve) => file.end(() => resolve())) : Promise.resolve();
  }
}
