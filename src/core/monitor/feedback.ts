/**
 * Joins a service's predictions, by prediction id, with the true labels or values that users send
 * back later, and scores the model on the joined pairs: accuracy, precision, recall and F1 (macro
 * averages over the labels present, as computeMetrics does) or MAE and RMSE.
 */
import { computeMetrics, type ClassificationMetrics, type RegressionMetrics } from '../metrics';
import type { Task } from '../types';
import { MlError } from '../types';

export type Prediction = string | number;

export interface PredictionRecord {
  readonly id: string;
  readonly prediction: Prediction;
  /** The request row, kept so that labelled requests can join a retraining set. */
  readonly features?: Readonly<Record<string, unknown>>;
  readonly at: number;
  truth?: Prediction;
  feedbackAt?: number;
}

export type FeedbackOutcome = 'joined' | 'updated' | 'unknown-id';

export type FeedbackMetrics =
  | {
      readonly task: 'classification';
      readonly count: number;
      readonly accuracy: number;
      readonly precision_macro: number;
      readonly recall_macro: number;
      readonly f1_macro: number;
    }
  | { readonly task: 'regression'; readonly count: number; readonly mae: number; readonly rmse: number };

/** Predictions by id (the oldest forgotten past `capacity`) and the feedback joined to them. */
export class FeedbackStore {
  private readonly records = new Map<string, PredictionRecord>();
  private labelledCount = 0;

  constructor(
    readonly task: Task,
    readonly capacity = 100000,
    readonly labels?: readonly string[],
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new MlError(`feedback store size must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.records.size;
  }

  /** Predictions that have received feedback and are still held. */
  get labelled(): number {
    return this.labelledCount;
  }

  /** Remembers a prediction under its id. */
  recordPrediction(id: string, prediction: Prediction, at: number, features?: Readonly<Record<string, unknown>>): void {
    const previous = this.records.get(id);
    if (previous) {
      if (previous.truth !== undefined) this.labelledCount--;
      this.records.delete(id);
    }
    this.records.set(id, { id, prediction, at, ...(features ? { features } : {}) });
    // Map iteration is insertion order: the first key is the oldest prediction.
    while (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value as string;
      if (this.records.get(oldest)?.truth !== undefined) this.labelledCount--;
      this.records.delete(oldest);
    }
  }

  /** Joins a true label (classification) or value (regression) to a prediction; a second one replaces the first. */
  addFeedback(id: string, truth: unknown, at: number): FeedbackOutcome {
    const record = this.records.get(id);
    if (!record) return 'unknown-id';
    const value = this.normaliseTruth(truth, id);
    const outcome: FeedbackOutcome = record.truth === undefined ? 'joined' : 'updated';
    if (outcome === 'joined') this.labelledCount++;
    record.truth = value;
    record.feedbackAt = at;
    return outcome;
  }

  private normaliseTruth(truth: unknown, id: string): Prediction {
    if (this.task === 'classification') {
      if (typeof truth === 'string' && truth !== '') return truth;
      if (typeof truth === 'number' || typeof truth === 'boolean') return String(truth);
      throw new MlError(`feedback for prediction ${id}: a class label is needed, got ${JSON.stringify(truth)}`);
    }
    const value = typeof truth === 'string' && truth.trim() !== '' ? Number(truth) : truth;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new MlError(`feedback for prediction ${id}: a finite number is needed, got ${JSON.stringify(truth)}`);
    return value;
  }

  /** The predictions that have feedback, oldest first. */
  labelledRecords(): PredictionRecord[] {
    return [...this.records.values()].filter((r) => r.truth !== undefined);
  }

  /** Scores of the model on the joined pairs; null before any feedback. */
  metrics(): FeedbackMetrics | null {
    const pairs = this.labelledRecords();
    if (pairs.length === 0) return null;
    if (this.task === 'classification') {
      const yTrue = pairs.map((r) => String(r.truth));
      const yPred = pairs.map((r) => String(r.prediction));
      const m = computeMetrics('classification', yTrue, yPred, undefined, this.labels) as ClassificationMetrics;
      return {
        task: 'classification',
        count: pairs.length,
        accuracy: m.accuracy,
        precision_macro: m.precision_macro,
        recall_macro: m.recall_macro,
        f1_macro: m.f1_macro,
      };
    }
    const yTrue = Float64Array.from(pairs, (r) => r.truth as number);
    const yPred = Float64Array.from(pairs, (r) => Number(r.prediction));
    const m = computeMetrics('regression', yTrue, yPred) as RegressionMetrics;
    return { task: 'regression', count: pairs.length, mae: m.mae, rmse: m.rmse };
  }
}
