/**
 * Parallel sweeps: the candidates of a grid or random search are split among workers, each scoring
 * its share by cross-validation (scoreShare); the best is then refitted and evaluated once
 * (executeRun with fixedParams). The split reproduces the single-worker search's trials and best.
 */
import { runSeed, type Experiment } from '../experiment/experiment';
import { gridCandidates, randomCandidates, type Params, type Trial } from '../search';

/** The candidates a grid or random search will score, in order; undefined for halving or no search. */
export function sweepCandidates(experiment: Experiment): Params[] | undefined {
  const search = experiment.search;
  if (!search) return undefined;
  if (search.method === 'grid') return gridCandidates(search.params);
  if (search.method === 'random') return randomCandidates(search.params, search.n_iter ?? 10, runSeed(experiment));
  return undefined;
}

/** Deals candidate indices to `workers` shares, round-robin so each share mixes cheap and costly ones. */
export function shareCandidates(count: number, workers: number): number[][] {
  const shares = Array.from({ length: Math.max(1, Math.min(workers, count)) }, () => [] as number[]);
  for (let i = 0; i < count; i++) shares[i % shares.length]?.push(i);
  return shares;
}

export interface ShareResult {
  readonly trials: Trial[];
  readonly metric: string;
  readonly greaterIsBetter: boolean;
}

/** Scores one share of a sweep's candidates, reporting each trial as it finishes. */
export async function scoreShare(
  experimentFile: string,
  indices: readonly number[],
  options: { seed?: number; signal?: AbortSignal; onTrial?: (trial: Trial) => void },
): Promise<ShareResult> {
  // DuckDB and TensorFlow.js load here, not when the extension imports sweepCandidates at activation.
  return (await import('./shareTask')).scoreShareNow(experimentFile, indices, options);
}

/** The best trial as the single-worker search picks it: best score, the lowest index among equals. */
export function bestTrial(trials: readonly Trial[], greaterIsBetter: boolean): Trial | undefined {
  let best: Trial | undefined;
  for (const trial of [...trials].sort((a, b) => a.index - b.index)) {
    if (Number.isNaN(trial.score)) continue;
    if (!best || (greaterIsBetter ? trial.score > best.score : trial.score < best.score)) best = trial;
  }
  return best;
}
