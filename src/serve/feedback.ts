/**
 * Predictions remembered by id, and the true labels/values clients send back for them. Feedback is
 * kept in memory (for live accuracy) and appended to `<runDir>/feedback.jsonl` with the request row,
 * the prediction and timestamps, so a retraining can use it with its provenance.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Task } from '../core/types';
import { RequestError } from './errors';

export type Cell = number | string | null;

export interface LoggedPrediction {
  readonly id: string;
  readonly time: number;
  readonly row: Readonly<Record<string, Cell>>;
  readonly prediction: string | number;
}

/** The last `capacity` predictions by id; older ones are forgotten (feedback for them answers 404). */
export class PredictionLog {
  private readonly entries = new Map<string, LoggedPrediction>();
  // A per-process prefix keeps ids unique across restarts of the service on the same run.
  private readonly prefix = randomUUID().slice(0, 8);
  private counter = 0;

  constructor(private readonly capacity = 100_000) {}

  /** Remembers each row's prediction and returns their new ids. */
  record(rows: readonly Readonly<Record<string, Cell>>[], predictions: readonly (string | number)[]): string[] {
    const time = Date.now();
    return predictions.map((prediction, i) => {
      const id = `${this.prefix}-${(this.counter++).toString(36)}`;
      this.entries.set(id, { id, time, row: rows[i] ?? {}, prediction });
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
      }
      return id;
    });
  }

  get(id: string): LoggedPrediction | undefined {
    return this.entries.get(id);
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface FeedbackEntry {
  readonly time: number;
  readonly predictionId: string;
  readonly prediction: string | number;
  readonly label: string | number;
}

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

/** Joins feedback to remembered predictions, keeps the recent ones and appends all to a JSONL file. */
export class FeedbackStore {
  private readonly recent: FeedbackEntry[] = [];
  private readonly file: WriteStream | undefined;
  total = 0;

  constructor(
    private readonly log: PredictionLog,
    private readonly task: Task,
    private readonly runId: string,
    file: string | undefined,
    private readonly capacity = 10_000,
  ) {
    this.file = file ? createWriteStream(file, { flags: 'a' }) : undefined;
    this.file?.on('error', () => undefined); // a full disk must not kill the service; feedback stays in memory
  }

  /** Records labels for predictions; unknown ids or a length mismatch answer 4xx before anything is stored. */
  async add(body: FeedbackBody): Promise<number> {
    const ids = body.prediction_ids;
    const raw = body.labels ?? body.values ?? [];
    if (raw.length !== ids.length) {
      throw new RequestError(400, 'length_mismatch', `${ids.length} prediction_ids but ${raw.length} ${body.labels ? 'labels' : 'values'}`);
    }
    if (this.task === 'regression' && !body.values) {
      throw new RequestError(400, 'wrong_type', 'this model is a regression: send "values" (numbers), not "labels"');
    }
    const unknown = ids.filter((id) => this.log.get(id) === undefined);
    if (unknown.length > 0) {
      throw new RequestError(404, 'unknown_prediction_ids', `${unknown.length} prediction id(s) are unknown or too old: ${unknown.slice(0, 10).join(', ')}`, {
        prediction_ids: unknown,
      });
    }
    const time = Date.now();
    const lines: string[] = [];
    ids.forEach((id, i) => {
      const logged = this.log.get(id) as LoggedPrediction;
      const value = raw[i];
      const label = this.task === 'classification' ? String(value) : (value as number);
      this.recent.push({ time, predictionId: id, prediction: logged.prediction, label });
      lines.push(
        JSON.stringify({
          time: new Date(time).toISOString(),
          run_id: this.runId,
          prediction_id: id,
          predicted_at: new Date(logged.time).toISOString(),
          features: logged.row,
          prediction: logged.prediction,
          label,
        }),
      );
    });
    if (this.recent.length > this.capacity) this.recent.splice(0, this.recent.length - this.capacity);
    this.total += ids.length;
    const file = this.file;
    if (file && !file.destroyed) await new Promise<void>((resolve) => file.write(`${lines.join('\n')}\n`, () => resolve()));
    return ids.length;
  }

  /** The most recent feedback, oldest first. */
  entries(): readonly FeedbackEntry[] {
    return this.recent;
  }

  close(): Promise<void> {
    const file = this.file;
    return file ? new Promise((resolve) => file.end(() => resolve())) : Promise.resolve();
  }
}
