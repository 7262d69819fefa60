/** Hyper-parameter search: every candidate scored by cross-validation on a named metric; grid, random or successive halving. */
import type { Table } from '../data/table';
import { metricInfo } from '../metrics';
import type { Matrix, Target, Task } from '../types';
import { CancelledError, MlError, throwIfAborted } from '../types';
import {
  crossValidate,
  selectRows,
  selectTarget,
  type CrossValidationResult,
  type Learner,
  type ModelInput,
  type PipelineLike,
  type Split,
  type TrainProgress,
} from '../validation';
import { halvingSchedule, sampleRows } from './halving';
import { gridCandidates, randomCandidates, type ParamSpace, type Params } from './space';

export type SearchMethod = 'grid' | 'random' | 'halving';

export interface SearchOptions<I extends ModelInput = Matrix> {
  readonly task: Task;
  readonly method: SearchMethod;
  readonly space: ParamSpace;
  /** Name of the metric to optimise (see METRIC_NAMES); errors and losses are minimised. */
  readonly metric: string;
  /** Candidates of random search (default 10); halving draws this many when the space has ranges. */
  readonly nIter?: number;
  /** Halving: the share of candidates kept each round is 1 / factor (default 3). */
  readonly factor?: number;
  readonly makePipeline: () => PipelineLike<I>;
  /** A fresh model with the candidate's parameters (merged over the experiment's own). */
  readonly makeModel: (params: Params) => Learner<I>;
  /** The cross-validation splits of a target (halving calls it again for each subsample). */
  readonly makeSplits: (y: Target) => Split[];
  readonly labels?: readonly string[];
  /** The run's seed (trainExperiment settles it). */
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: TrainProgress;
  /** Grid and random search: score only these candidate indices (a worker's share of a parallel sweep). */
  readonly only?: readonly number[];
  /** Called as each trial finishes, for live leaderboards. */
  readonly onTrial?: (trial: Trial) => void;
}

export interface Trial {
  /** 0-based position in evaluation order. */
  readonly index: number;
  readonly params: Params;
  /** Mean over folds of the search metric; NaN when the trial failed. */
  readonly score: number;
  readonly cv?: { folds: Record<string, number>[]; mean: Record<string, number>; std: Record<string, number> };
  /** Why a trial failed (a bad parameter combination); the search goes on without it. */
  readonly error?: string;
  /** Halving: the round and the rows it was scored on. */
  readonly iteration?: number;
  readonly rows?: number;
}

export interface SearchResult {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly trials: Trial[];
  readonly best: Trial;
  /** The best trial's full cross-validation, out-of-fold predictions included. */
  readonly bestResult: CrossValidationResult;
}

/** Runs the search and returns every trial and the best one (the first of equals, in evaluation order). */
export async function runSearch<I extends ModelInput = Matrix>(features: Table, y: Target, options: SearchOptions<I>): Promise<SearchResult> {
  const info = metricInfo(options.metric, options.task);
  const better = (a: number, b: number): boolean => !Number.isNaN(a) && (Number.isNaN(b) || (info.greaterIsBetter ? a > b : a < b));
  const trials: Trial[] = [];
  const results = new Map<number, CrossValidationResult>();
  const { seed } = options;
  let candidates = initialCandidates(options, seed);

  const evaluate = async (params: Params, rows: number[] | undefined, planned: number, iteration?: number, candidateIndex?: number): Promise<Trial> => {
    throwIfAborted(options.signal);
    const index = candidateIndex ?? trials.length;
    const subsetFeatures = rows ? selectRows(features, rows) : features;
    const subsetY = rows ? selectTarget(y, rows) : y;
    const tag = { trial: trials.length + 1, trials: planned };
    let trial: Trial;
    try {
      const result = await crossValidate<I>(subsetFeatures, subsetY, {
        task: options.task,
        makePipeline: options.makePipeline,
        makeModel: () => options.makeModel(params),
        splits: options.makeSplits(subsetY),
        labels: options.labels,
        seed,
        signal: options.signal,
        onProgress: options.onProgress ? (event) => options.onProgress?.({ ...event, ...tag }) : undefined,
      });
      const score = result.mean[info.name];
      if (score === undefined) {
        throw new MlError(`search.metric: "${info.name}" needs predicted probabilities, which this model does not give`);
      }
      results.set(index, result);
      trial = { index, params, score, cv: { folds: result.folds, mean: result.mean, std: result.std }, iteration, rows: rows?.length };
    } catch (error) {
      if (error instanceof CancelledError || !(error instanceof MlError)) throw error;
      trial = { index, params, score: Number.NaN, error: error.message, iteration, rows: rows?.length };
    }
    trials.push(trial);
    options.onProgress?.({ stage: 'trial', step: trials.length, of: planned, ...tag, metrics: { [info.name]: trial.score } });
    options.onTrial?.(trial);
    return trial;
  };

  let finalRound: Trial[] = [];
  if (options.method === 'halving') {
    const schedule = halvingSchedule({
      candidates: candidates.length,
      rows: y.length,
      factor: options.factor ?? 3,
      folds: options.makeSplits(y).length,
      classes: options.task === 'classification' ? new Set(y as readonly string[]).size : 1,
    });
    const planned = schedule.reduce((a, round) => a + round.candidates, 0);
    for (const [iteration, round] of schedule.entries()) {
      const rows = round.rows >= y.length ? undefined : sampleRows(y, round.rows, options.task, seed + iteration);
      const scored: Trial[] = [];
      for (const params of candidates) scored.push(await evaluate(params, rows, planned, iteration));
      finalRound = scored;
      const keep = Math.ceil(scored.length / (options.factor ?? 3));
      const ranked = [...scored].sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : a.index - b.index));
      candidates = ranked.slice(0, keep).map((t) => t.params);
    }
  } else {
    const only = options.only ? new Set(options.only) : undefined;
    const planned = only ? candidates.filter((_, i) => only.has(i)).length : candidates.length;
    for (const [i, params] of candidates.entries()) {
      if (!only || only.has(i)) finalRound.push(await evaluate(params, undefined, planned, undefined, only ? i : undefined));
    }
  }

  let best: Trial | undefined;
  for (const trial of finalRound) if (!best || better(trial.score, best.score)) best = trial;
  if (!best || Number.isNaN(best.score)) {
    const reason = trials.find((t) => t.error)?.error ?? 'no trial produced a score';
    throw new MlError(`search: every trial failed; the first said: ${reason}`);
  }
  return { metric: info.name, greaterIsBetter: info.greaterIsBetter, trials, best, bestResult: results.get(best.index) as CrossValidationResult };
}

function initialCandidates<I extends ModelInput>(options: SearchOptions<I>, seed: number): Params[] {
  if (options.method === 'grid') return gridCandidates(options.space);
  if (options.method === 'random') return randomCandidates(options.space, options.nIter ?? 10, seed);
  if (options.method === 'halving') {
    const hasRanges = Object.values(options.space).some((entry) => !Array.isArray(entry));
    return hasRanges ? randomCandidates(options.space, options.nIter ?? 27, seed) : gridCandidates(options.space);
  }
  throw new MlError(`search.method: must be grid, random or halving, got "${String(options.method)}"`);
}
