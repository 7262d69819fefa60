/**
 * One path for every sweep: `runSweep` records a grid or random search in the run store while an
 * executor scores its candidates (in this thread, on the worker-thread pool, or on remote workers
 * through the queue). The coordinator that calls runSweep is the run's only writer: executors only
 * return trials. The best candidate is then refitted and evaluated here (executeRun with `sweep`).
 */
import { runSeed, type Experiment } from '../experiment/experiment';
import { runTasks } from '../parallel/pool';
import type { Trial } from '../search';
import type { CandidateJob, HalvingRoundJob } from '../search/search';
import { trainResultOf, type TrainingOutcome } from './remoteTraining';
import type { TrainSplits } from '../experiment/train';
import { CancelledError, errorMessage } from '../types';
import { beginRun, cancelReason, executeRun, finishUnsuccessful, type ExecuteOptions, type RunEvent } from './execute';
import { formatProblems, loadExperimentFile } from './experimentFile';
import { RunStore, type RunRecord } from './store';
import { bestTrial, shareCandidates, sweepCandidates, type ShareResult } from './sweep';
import { sweepTrialsProgress } from './progress';
import type { TrainProgress } from '../validation/progress';

/** A finished trial and, for remote executors, the worker that ran it. */
export interface TrialReport {
  readonly trial: Trial;
  /** The search metric and its direction; '' when the trial failed before any score. */
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly worker?: string;
}

/** What an executor needs to score a sweep's candidates. */
export interface SweepTask {
  readonly experimentFile: string;
  readonly dataPath: string;
  /** The seed the run uses (the --seed override or the experiment's). */
  readonly seed: number;
  readonly candidates: number;
  /** The run this sweep belongs to (for names of remote jobs). */
  readonly runId: string;
  /** The rows' splits, when the caller planned them already (a halving search inside the training). */
  readonly splits?: TrainSplits;
}

export interface SweepHooks {
  readonly signal?: AbortSignal;
  readonly onTrial: (report: TrialReport) => void;
  readonly log: (line: string) => void;
  /** A training elsewhere: its progress events as they arrive. */
  readonly onProgress?: TrainProgress;
}

/** Scores a sweep's candidates somewhere and reports each trial once; resolves when all are reported. */
export interface TrialExecutor {
  /** `in-process`, `threads` or `queue`: recorded in the run's environment. */
  readonly kind: string;
  /** One line for the run's log (never with a password). */
  describe(candidates: number): string;
  scoreCandidates(task: SweepTask, indices: readonly number[], hooks: SweepHooks): Promise<void>;
  /** Halving: scores one round's candidates (on the round's rows of `splits`), reporting each trial once with the index it was given. */
  scoreRound?(task: SweepTask, round: HalvingRoundJob, splits: TrainSplits, hooks: SweepHooks): Promise<void>;
  /** A single training run elsewhere: what it gave and where it ran. */
  train?(task: SweepTask, hooks: SweepHooks): Promise<{ readonly outcome: TrainingOutcome; readonly worker: string }>;
  /** Lets go of connections or threads; called once the run is finished. */
  close?(): Promise<void>;
}

/** Scores every share in this thread, one after the other. */
export const inProcessExecutor: TrialExecutor = {
  kind: 'in-process',
  describe: (candidates) => `sweep of ${candidates} candidates in this process`,
  async scoreCandidates(task, indices, hooks) {
    const { scoreShare } = await import('./sweep');
    const result = await scoreShare(task.experimentFile, indices, { seed: task.seed, signal: hooks.signal });
    for (const trial of result.trials) hooks.onTrial({ trial, metric: result.metric, greaterIsBetter: result.greaterIsBetter });
  },
};

/** Input of the pool task `sweep.share` (src/core/parallel/tasks.ts). */
export interface ShareTaskInput {
  readonly experimentFile: string;
  readonly indices: readonly number[];
  readonly seed?: number;
  /** The coordinator's splits (queue workers); planned from the seed when absent. */
  readonly splits?: TrainSplits;
  /** Halving: the trials to score, by parameters and round (their indices are `indices`). */
  readonly halving?: readonly CandidateJob[];
}

/** Deals the candidates to `jobs` worker threads of the core's pool (round-robin shares). */
export function threadExecutor(jobs: number): TrialExecutor {
  return {
    kind: 'threads',
    describe: (candidates) => `sweep of ${candidates} candidates on ${Math.min(jobs, candidates)} worker(s), threads of this process`,
    async scoreCandidates(task, indices, hooks) {
      const shares = shareCandidates(indices.length, jobs).map((share) => share.map((i) => indices[i] as number));
      const inputs: ShareTaskInput[] = shares.map((share) => ({ experimentFile: task.experimentFile, indices: share, seed: task.seed }));
      await runTasks<ShareTaskInput, ShareResult>('sweep.share', inputs, { jobs, signal: hooks.signal, onResult: (result) => reportShare(result, hooks) });
    },
    async scoreRound(task, round, splits, hooks) {
      // Each thread scores its share of the round on the round's rows of the coordinator's splits.
      const shares = shareCandidates(round.candidates.length, jobs).map((share) =>
        share.map((i) => ({ ...(round.candidates[i] as CandidateJob), iteration: round.iteration })),
      );
      const inputs: ShareTaskInput[] = shares.map((halving) => ({
        experimentFile: task.experimentFile,
        indices: halving.map((job) => job.index),
        seed: task.seed,
        splits,
        halving,
      }));
      await runTasks<ShareTaskInput, ShareResult>('sweep.share', inputs, { jobs, signal: hooks.signal, onResult: (result) => reportShare(result, hooks) });
    },
  };
}

function reportShare(result: ShareResult, hooks: SweepHooks): void {
  for (const trial of result.trials) hooks.onTrial({ trial, metric: result.metric, greaterIsBetter: result.greaterIsBetter });
}

export interface SweepOptions extends Omit<ExecuteOptions, 'sweep'> {
  /** Where the candidates are scored; without one (or for halving, or a run without a search) the search runs inside the training. */
  readonly executor?: TrialExecutor;
}

/**
 * Trains an experiment file into a run. A grid or random search of more than one candidate is
 * scored by the executor, its trials written into the run as they arrive (each index once, however
 * often an executor reports it), then the best is refitted here. Anything else is executeRun.
 */
export async function runSweep(options: SweepOptions): Promise<RunRecord> {
  const { executor: chosen, ...execute } = options;
  const loaded = loadExperimentFile(options.experimentFile);
  const candidates = loaded.experiment ? sweepCandidates(loaded.experiment) : undefined;
  const remote = chosen && chosen.kind !== 'in-process' && loaded.experiment && loaded.dataPath ? chosen : undefined;
  if (remote && loaded.experiment && loaded.dataPath && !options.feedbackFrom) {
    if (loaded.experiment.search?.method === 'halving' && remote.scoreRound) return halvingElsewhere(remote, execute, loaded.dataPath, loaded.experiment);
    if (!loaded.experiment.search && remote.train) return trainElsewhere(remote, execute, loaded.dataPath, loaded.experiment);
  }
  if (!remote || !loaded.experiment || !loaded.dataPath || !candidates || candidates.length < 2) {
    try {
      return await executeRun(execute);
    } finally {
      await chosen?.close?.();
    }
  }
  const executor = remote;
  const store = new RunStore(options.workspaceRoot);
  const experiment = loaded.experiment;
  const { record, emit, log } = beginRun(store, options, experiment, (opened) => {
    opened.trials = [];
  });
  const trials = new Map<number, Trial>();
  const workers: Record<string, string> = {};
  let metric = '';
  let greaterIsBetter = true;
  let lastSaved = 0;
  const seed = options.seed ?? runSeed(experiment);
  try {
    log(executor.describe(candidates.length));
    await executor.scoreCandidates(
      { experimentFile: options.experimentFile, dataPath: loaded.dataPath, seed, candidates: candidates.length, runId: record.id },
      candidates.map((_, i) => i),
      {
        signal: options.signal,
        log,
        onTrial: (report) => {
          const trial = report.trial;
          if (trials.has(trial.index) || trial.index < 0 || trial.index >= candidates.length) return;
          trials.set(trial.index, trial);
          if (report.metric) ({ metric, greaterIsBetter } = report);
          if (report.worker) workers[String(trial.index)] = report.worker;
          record.trials = [...trials.values()].sort((a, b) => a.index - b.index);
          if (report.worker) record.trialWorkers = { ...workers };
          const { fraction, phase } = sweepTrialsProgress(trials.size, candidates.length);
          record.progress = fraction;
          record.phase = phase;
          // run.json at most every 250 ms on big sweeps; metrics.jsonl gets every trial.
          if (Date.now() - lastSaved > 250 || trials.size === candidates.length) {
            lastSaved = Date.now();
            store.save(record);
          }
          store.appendMetric(record.id, { stage: 'trial', ...trial, ...(report.worker ? { worker: report.worker } : {}) });
          emit({ type: 'trial', runId: record.id, trial, ...(report.worker ? { worker: report.worker } : {}) });
          emit({ type: 'progress', runId: record.id, fraction, phase, event: { stage: 'trial', step: trials.size, of: candidates.length } });
          const where = report.worker ? ` on ${report.worker}` : '';
          log(`trial ${trial.index + 1}${where}: ${JSON.stringify(trial.params)} → ${trial.error ?? trial.score}`);
        },
      },
    );
    if (options.signal?.aborted) throw new CancelledError();
    const missing = candidates.map((_, i) => i).filter((i) => !trials.has(i));
    if (missing.length > 0) throw new Error(`the ${executor.kind} executor finished without trial(s) ${missing.map((i) => i + 1).join(', ')}`);
    const sorted = [...trials.values()].sort((a, b) => a.index - b.index);
    const best = bestTrial(sorted, greaterIsBetter);
    if (!best) {
      const reason = sorted.find((t) => t.error)?.error ?? 'no trial produced a score';
      throw new Error(`search: every trial failed; the first said: ${reason}`);
    }
    store.save(record);
    await executor.close?.();
    return await executeRun({
      ...execute,
      runId: record.id,
      environment: { ...options.environment, sweepExecutor: executor.kind },
      // As the search inside one training records them: in candidate order, without the index.
      sweep: {
        params: best.params,
        trials: sorted.map(({ index: _index, ...trial }) => trial as Trial),
        best: { params: best.params, score: best.score, metric },
      },
    });
  } catch (error) {
    await executor.close?.().catch(() => undefined);
    const cancelled = error instanceof CancelledError || options.signal?.aborted === true;
    const reason = cancelled ? cancelReason(options.signal) : errorMessage(error);
    finishUnsuccessful(store, record, cancelled ? 'cancelled' : 'failed', reason);
    log(`${cancelled ? 'cancelled' : 'failed'}: ${record.reason ?? reason}`);
    const finished: RunEvent = { type: 'finished', runId: record.id, record };
    emit(finished);
    return record;
  }
}

/** A halving search whose rounds' candidates the executor scores (the rest of the training runs here, the run written here only). */
async function halvingElsewhere(executor: TrialExecutor, execute: ExecuteOptions, dataPath: string, experiment: Experiment): Promise<RunRecord> {
  const workers = new Map<number, string>();
  const seed = execute.seed ?? runSeed(experiment);
  let runId = execute.runId ?? '';
  let log: (line: string) => void = () => undefined;
  try {
    return await executeRun({
      ...execute,
      environment: { ...execute.environment, sweepExecutor: executor.kind },
      onEvent: (event) => {
        if (event.type === 'started') runId = event.runId;
        if (event.type === 'started') log = runLog(execute, runId);
        execute.onEvent?.(event);
      },
      trialWorker: (index) => workers.get(index),
      scoreRound: async (round, splits) => {
        const trials = new Map<number, Trial>();
        await executor.scoreRound?.(
          { experimentFile: execute.experimentFile, dataPath, seed, candidates: round.candidates.length, runId, splits },
          round,
          splits,
          {
            signal: execute.signal,
            log: (line) => log(line),
            onTrial: (report) => {
              if (trials.has(report.trial.index)) return;
              trials.set(report.trial.index, report.trial);
              if (report.worker) workers.set(report.trial.index, report.worker);
            },
          },
        );
        if (execute.signal?.aborted) throw new CancelledError();
        return [...trials.values()];
      },
    });
  } finally {
    await executor.close?.();
  }
}

/** A line for a run's log.txt and its listeners, from outside executeRun (an executor's words about workers). */
function runLog(execute: ExecuteOptions, runId: string): (line: string) => void {
  const store = new RunStore(execute.workspaceRoot);
  return (line) => {
    store.appendLog(runId, line);
    execute.onEvent?.({ type: 'log', runId, line });
  };
}

/** A training without a search run by the executor (a queue worker); the run is written here only, from what it sends back. */
async function trainElsewhere(executor: TrialExecutor, execute: ExecuteOptions, dataPath: string, experiment: Experiment): Promise<RunRecord> {
  const seed = execute.seed ?? runSeed(experiment);
  let runId = execute.runId ?? '';
  let worker = '';
  const environment: Record<string, string> = { ...execute.environment, sweepExecutor: executor.kind };
  try {
    return await executeRun({
      ...execute,
      environment,
      onEvent: (event) => {
        if (event.type === 'started') runId = event.runId;
        // Saved before anyone hears the run finished (the editor reads run.json then).
        if (event.type === 'finished' && worker) {
          event.record.environment = { ...event.record.environment, trainedOn: worker };
          new RunStore(execute.workspaceRoot).save(event.record);
        }
        execute.onEvent?.(event);
      },
      train: async (_experiment, _table, options) => {
        const log = runLog(execute, runId);
        const trained = await executor.train?.(
          { experimentFile: execute.experimentFile, dataPath, seed, candidates: 1, runId },
          { signal: options.signal, log, onTrial: () => undefined, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
        );
        if (!trained) throw new Error(`the ${executor.kind} executor cannot train`);
        worker = trained.worker;
        log(`trained on ${worker} (${executor.kind})`);
        for (const warning of trained.outcome.warnings) options.onWarning?.(warning);
        return trainResultOf(trained.outcome, execute.experimentFile);
      },
    });
  } finally {
    await executor.close?.();
  }
}

/** The problems of an experiment file as one message (for executors that check it before sending it anywhere). */
export function experimentProblems(experimentFile: string): string | undefined {
  const loaded = loadExperimentFile(experimentFile);
  return loaded.experiment && loaded.dataPath ? undefined : `invalid experiment file:\n${formatProblems(loaded)}`;
}
