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
  /** Halving: each round's rows and splits as planned elsewhere (the coordinator's, sent to queue workers); planned here otherwise. */
  readonly rounds?: readonly HalvingRoundSplits[];
  /** Halving: scores a round's candidates elsewhere (queue workers); each trial keeps the index it is given. */
  readonly scoreRound?: (round: HalvingRoundJob) => Promise<Trial[]>;
  /** With scoreRound: the best trial's cross-validation is not needed (a hold-out scores the winner), so it is not run again here. */
  readonly withoutBestResult?: boolean;
}

/** A round of successive halving: how many candidates it scores, its sample of the rows (all rows when absent) and the sample's splits. */
export interface HalvingRoundSplits {
  readonly candidates: number;
  readonly sample?: readonly number[];
  readonly splits: readonly Split[];
}

/** One candidate of a search to score: its trial index, parameters and, for halving, its round. */
export interface CandidateJob {
  readonly index: number;
  readonly params: Params;
  readonly iteration?: number;
}

/** A halving round sent to be scored elsewhere. */
export interface HalvingRoundJob {
  readonly iteration: number;
  readonly candidates: readonly CandidateJob[];
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
  /** The best trial's full cross-validation, out-of-fold predictions included (absent only with scoreRound and withoutBestResult). */
  readonly bestResult?: CrossValidationResult;
}

/** Runs the search and returns every trial and the best one (the first of equals, in evaluation order). */
export async function runSearch<I extends ModelInput = Matrix>(features: Table, y: Target, options: SearchOptions<I>): Promise<SearchResult> {
  const info = metricInfo(options.metric, options.task);
  const better = (a: number, b: number): boolean => !Number.isNaN(a) && (Number.isNaN(b) || (info.greaterIsBetter ? a > b : a < b));
  const trials: Trial[] = [];
  const results = new Map<number, CrossValidationResult>();
  let candidates = searchCandidates(options);

  const record = (trial: Trial, planned: number): void => {
    trials.push(trial);
    const tag = { trial: trials.length, trials: planned };
    options.onProgress?.({ stage: 'trial', step: trials.length, of: planned, ...tag, metrics: { [info.name]: trial.score } });
    options.onTrial?.(trial);
  };
  const evaluate = async (job: CandidateJob, round: HalvingRoundSplits | undefined, planned: number): Promise<Trial> => {
    const tag = { trial: trials.length + 1, trials: planned };
    const scored = await scoreCandidate(features, y, options, job, round, (event) => options.onProgress?.({ ...event, ...tag }));
    if (scored.result) results.set(job.index, scored.result);
    record(scored.trial, planned);
    return scored.trial;
  };

  let finalRound: Trial[] = [];
  let finalSplits: HalvingRoundSplits | undefined;
  if (options.method === 'halving') {
    const factor = options.factor ?? 3;
    const rounds = options.rounds ?? planHalvingRounds(y, options.task, candidates.length, factor, options.makeSplits, options.seed);
    const planned = rounds.reduce((a, round) => a + round.candidates, 0);
    for (const [iteration, round] of rounds.entries()) {
      const jobs = candidates.map((params, i) => ({ index: trials.length + i, params, iteration }));
      const scored: Trial[] = [];
      if (options.scoreRound) {
        throwIfAborted(options.signal);
        const byIndex = new Map((await options.scoreRound({ iteration, candidates: jobs })).map((trial) => [trial.index, trial]));
        for (const job of jobs) {
          const trial = byIndex.get(job.index);
          if (!trial) throw new Error(`halving round ${iteration + 1}: no result for trial ${job.index + 1}`);
          record(trial, planned);
          scored.push(trial);
        }
      } else {
        for (const job of jobs) scored.push(await evaluate(job, round, planned));
      }
      finalRound = scored;
      finalSplits = round;
      const keep = Math.ceil(scored.length / factor);
      const ranked = [...scored].sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : a.index - b.index));
      candidates = ranked.slice(0, keep).map((t) => t.params);
    }
  } else {
    const only = options.only ? new Set(options.only) : undefined;
    const planned = only ? candidates.filter((_, i) => only.has(i)).length : candidates.length;
    for (const [i, params] of candidates.entries()) {
      if (!only || only.has(i)) finalRound.push(await evaluate({ index: only ? i : trials.length, params }, undefined, planned));
    }
  }

  let best: Trial | undefined;
  for (const trial of finalRound) if (!best || better(trial.score, best.score)) best = trial;
  if (!best || Number.isNaN(best.score)) {
    const reason = trials.find((t) => t.error)?.error ?? 'no trial produced a score';
    throw new MlError(`search: every trial failed; the first said: ${reason}`);
  }
  let bestResult = results.get(best.index);
  if (!bestResult && !options.withoutBestResult) {
    // Scored elsewhere: its cross-validation (out-of-fold predictions included) is run again here, on the same rows and splits.
    bestResult = (await scoreCandidate(features, y, options, { index: best.index, params: best.params, iteration: best.iteration }, finalSplits)).result;
  }
  return { metric: info.name, greaterIsBetter: info.greaterIsBetter, trials, best, ...(bestResult ? { bestResult } : {}) };
}

/**
 * Scores one candidate by cross-validation: on all rows with the search's splits, or on a halving
 * round's sample with its splits. A bad parameter combination gives a failed trial, not an error.
 */
export async function scoreCandidate<I extends ModelInput>(
  features: Table,
  y: Target,
  options: SearchOptions<I>,
  job: CandidateJob,
  round?: HalvingRoundSplits,
  onProgress?: TrainProgress,
): Promise<{ trial: Trial; result?: CrossValidationResult }> {
  throwIfAborted(options.signal);
  const info = metricInfo(options.metric, options.task);
  const rows = round?.sample ? [...round.sample] : undefined;
  const subsetFeatures = rows ? selectRows(features, rows) : features;
  const subsetY = rows ? selectTarget(y, rows) : y;
  const { index, params, iteration } = job;
  try {
    const result = await crossValidate<I>(subsetFeatures, subsetY, {
      task: options.task,
      makePipeline: options.makePipeline,
      makeModel: () => options.makeModel(params),
      splits: round ? [...round.splits] : options.makeSplits(subsetY),
      labels: options.labels,
      seed: options.seed,
      signal: options.signal,
      onProgress,
    });
    const score = result.mean[info.name];
    if (score === undefined) {
      throw new MlError(`search.metric: "${info.name}" needs predicted probabilities, which this model does not give`);
    }
    return { trial: { index, params, score, cv: { folds: result.folds, mean: result.mean, std: result.std }, iteration, rows: rows?.length }, result };
  } catch (error) {
    if (error instanceof CancelledError || !(error instanceof MlError)) throw error;
    return { trial: { index, params, score: Number.NaN, error: error.message, iteration, rows: rows?.length } };
  }
}

/** Successive halving's rounds over these rows: each round's candidate count, seeded sample and that sample's splits. */
export function planHalvingRounds(
  y: Target,
  task: Task,
  candidates: number,
  factor: number,
  makeSplits: (y: Target) => Split[],
  seed: number,
): HalvingRoundSplits[] {
  const schedule = halvingSchedule({
    candidates,
    rows: y.length,
    factor,
    folds: makeSplits(y).length,
    classes: task === 'classification' ? new Set(y as readonly string[]).size : 1,
  });
  return schedule.map((round, iteration) => {
    const sample = round.rows >= y.length ? undefined : sampleRows(y, round.rows, task, seed + iteration);
    return { candidates: round.candidates, ...(sample ? { sample } : {}), splits: makeSplits(sample ? selectTarget(y, sample) : y) };
  });
}

/** The candidates a search starts from: the grid, a seeded random draw, or either for halving (a draw when the space has ranges). */
export function searchCandidates(options: Pick<SearchOptions<never>, 'method' | 'space' | 'nIter' | 'seed'>): Params[] {
  const { seed } = options;
  if (options.method === 'grid') return gridCandidates(options.space);
  if (options.method === 'random') return randomCandidates(options.space, options.nIter ?? 10, seed);
  if (options.method === 'halving') {
    const hasRanges = Object.values(options.space).some((entry) => !Array.isArray(entry));
    return hasRanges ? randomCandidates(options.space, options.nIter ?? 27, seed) : gridCandidates(options.space);
  }
  throw new MlError(`search.method: must be grid, random or halving, got "${String(options.method)}"`);
}
