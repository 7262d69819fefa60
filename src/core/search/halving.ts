/** Successive halving's schedule (scikit-learn's HalvingGridSearchCV with resource = rows, min_resources = 'exhaust'). */
import { MlError, type Target, type Task } from '../types';
import { holdoutSplit } from '../validation';

export interface HalvingRound {
  readonly candidates: number;
  readonly rows: number;
}

export interface HalvingPlan {
  readonly candidates: number;
  readonly rows: number;
  readonly factor: number;
  readonly folds: number;
  /** Classes of a classification target (1 for regression). */
  readonly classes: number;
}

/** log base `factor`, floored, robust to 3^k landing a hair below k. */
function floorLog(x: number, factor: number): number {
  return Math.floor(Math.log(x) / Math.log(factor) + 1e-9);
}

/**
 * Rounds of successive halving: each keeps ceil(candidates / factor) and multiplies the rows by factor.
 * The first round's rows are chosen so the last round uses as many rows as possible ('exhaust').
 */
export function halvingSchedule(plan: HalvingPlan): HalvingRound[] {
  const { factor, rows } = plan;
  if (!(factor > 1)) throw new MlError(`search.factor: must be > 1, got ${factor}`);
  const smallest = 2 * plan.folds * plan.classes;
  const required = 1 + floorLog(plan.candidates, factor);
  const minRows = Math.max(smallest, Math.floor(rows / factor ** (required - 1)));
  if (minRows > rows) throw new MlError(`search: halving needs at least ${minRows} rows (2 × folds × classes), the data has ${rows}`);
  const possible = 1 + floorLog(Math.floor(rows / minRows), factor);
  const rounds = Math.min(required, possible);
  const schedule: HalvingRound[] = [];
  let candidates = plan.candidates;
  for (let i = 0; i < rounds; i++) {
    schedule.push({ candidates, rows: Math.min(rows, minRows * factor ** i) });
    candidates = Math.ceil(candidates / factor);
  }
  return schedule;
}

/** A seeded sample of `count` rows (ascending), stratified for classification when every class can give two rows. */
export function sampleRows(y: Target, count: number, task: Task, seed: number): number[] {
  if (task === 'classification') {
    const labels = y as readonly string[];
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    if (count >= counts.size && [...counts.values()].every((c) => c >= 2)) {
      return holdoutSplit(y.length, { testSize: count, stratify: labels, seed }).test;
    }
  }
  return holdoutSplit(y.length, { testSize: count, seed }).test;
}
