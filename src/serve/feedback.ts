/**
 * Prediction ids and the true labels/values clients send back for them. The join and the scores
 * are core/monitor's FeedbackStore; this adds the ids, the request checks, and the append of every
 * accepted label to `<runDir>/feedback.jsonl` with the request row, the prediction and timestamps,
 * so a retraining can use it with its provenance.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { FeedbackStore, type FeedbackMetrics } from '../core/monitor';
import type { TargetRange } from '../core/runs/artifacts';
import type { Task } from '../core/types';
import { RequestError } from './errors';

export type Cell = number | string | null;

export interface FeedbackBody {
  readonly prediction_ids: readonly string[];
  readonly labels?: readonly unknown[];
  readonly values?: readonly unknown[];
}

/** Longest label string taken; a class name is a few words, never a document. */
export const MAX_LABEL_LENGTH = 200;

/** JSON Schema of POST /feedback: ids with labels (classification) or values (regression). */
export function feedbackBodySchema(maxRows: number): Record<string, unknown> {
  const list = { type: 'array', minItems: 1, maxItems: maxRows };
  return {
    type: 'object',
    required: ['prediction_ids'],
    additionalProperties: false,
    properties: {
      prediction_ids: { ...list, items: { type: 'string', maxLength: 100 } },
      labels: { ...list, items: { type: ['string', 'number', 'boolean'], maxLength: MAX_LABEL_LENGTH } },
      values: { ...list, items: { type: 'number' } },
    },
    oneOf: [{ required: ['labels'] }, { required: ['values'] }],
  };
}

/** The /feedback body in words, for its messages. */
export const FEEDBACK_SHAPE = 'prediction_ids with "labels" (classification) or "values" (regression)';

/** Throws a 400 naming the first key of a /feedback body that it does not take. */
export function checkFeedbackKeys(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return; // the schema says what it must be
  const unexpected = Object.keys(body).find((key) => !['prediction_ids', 'labels', 'values'].includes(key));
  if (unexpected !== undefined) {
    throw new RequestError(400, 'invalid_shape', `the body has an unexpected key ${quoted(unexpected)}; /feedback takes ${FEEDBACK_SHAPE}`);
  }
}

/**
 * What feedback a service takes, so that a label or value sent back cannot poison what is learnt
 * from it: labels among the model's classes, finite values near the training target's range.
 */
export interface FeedbackRules {
  /** Classification: the model's classes. */
  readonly labels?: readonly string[];
  /** Classification: also take labels of classes the model does not know (kept for retraining, left out of online updates). */
  readonly acceptNewClasses?: boolean;
  /** Regression: the smallest and largest target value in training (absent: any finite value). */
  readonly trainingRange?: TargetRange;
  readonly targetName?: string;
}

/**
 * Values a regression service takes as feedback: the training range widened by its own width on
 * each side (for a constant target, by the value's size, at least 1). A true value further out is
 * far more likely a unit mistake or an attack than a customer; retraining can still learn it.
 */
export function acceptedRange(training: TargetRange): TargetRange {
  const width = training.max - training.min || Math.max(Math.abs(training.max), 1);
  return { min: training.min - width, max: training.max + width };
}

/** A label as a message quotes it: cut to 40 characters. */
function quoted(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
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

  private readonly classes: ReadonlySet<string> | undefined;
  private readonly range: TargetRange | undefined;

  constructor(
    private readonly task: Task,
    private readonly runId: string,
    file: string | undefined,
    private readonly capacity = 100_000,
    private readonly rules: FeedbackRules = {},
  ) {
    this.joined = new FeedbackStore(task, capacity, rules.labels);
    this.classes = rules.labels ? new Set(rules.labels) : undefined;
    this.range = rules.trainingRange ? acceptedRange(rules.trainingRange) : undefined;
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
    if (this.task === 'classification' && !body.labels) {
      throw new RequestError(
        400,
        'wrong_type',
        `this model is a classifier: send "labels"${this.rules.labels ? ` (its classes: ${this.classList()})` : ''}, not "values"`,
      );
    }
    const empty = raw.findIndex((value) => value === '');
    if (empty >= 0) throw new RequestError(400, 'wrong_type', `label ${empty + 1} is an empty string`, { row: empty + 1 });
    // Every value is checked before anything is stored: a request is taken whole or not at all.
    raw.forEach((value, i) => this.check(value, i + 1));
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

  private classList(): string {
    const labels = this.rules.labels ?? [];
    return `${labels
      .slice(0, 20)
      .map((l) => quoted(l))
      .join(', ')}${labels.length > 20 ? `, … (${labels.length} in all)` : ''}`;
  }

  /** Throws a 400 naming row `row` when its label or value is not one this service takes. */
  private check(value: unknown, row: number): void {
    if (this.task === 'classification') {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new RequestError(400, 'wrong_type', `label ${row} is ${value}, not a class`, { row });
      if (!this.classes || this.rules.acceptNewClasses || this.classes.has(String(value))) return;
      const kind = typeof value === 'string' ? '' : ` (a ${typeof value})`;
      throw new RequestError(
        400,
        'unknown_label',
        `label ${row}, ${quoted(value)}${kind}, is not a class of this model (classes: ${this.classList()}); nothing was stored. A new class needs a retraining: start the service with --accept-new-classes to collect its labels`,
        { row },
      );
    }
    const number = value as number;
    if (!Number.isFinite(number)) throw new RequestError(400, 'not_finite', `value ${row} is ${number}; send finite numbers`, { row });
    const range = this.range;
    if (range && (number < range.min || number > range.max)) {
      const training = this.rules.trainingRange as TargetRange;
      throw new RequestError(
        400,
        'out_of_range',
        `value ${row}, ${number}, is outside the range this service takes as feedback, ${range.min} to ${range.max}: the training target${this.rules.targetName ? ` "${this.rules.targetName}"` : ''} ran from ${training.min} to ${training.max}, and feedback may lie at most that width beyond it; nothing was stored`,
        { row },
      );
    }
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
