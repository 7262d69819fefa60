/** Trains an experiment: target and task, validation or search, then a refit on all rows for deployment. */
import type { Table } from '../data/table';
import { inferTask, splitTarget, targetValues, withoutMissingTarget } from '../data/target';
import { defaultMetric, sortLabels, type Metrics } from '../metrics';
import { createModel, modelInputKind, modelSpec, type Model } from '../models/registry';
import { awaitedPipeline, Pipeline } from '../prepare/pipeline';
import { EmbeddingCache } from '../embed/cache';
import { runSearch, type Params, type Trial } from '../search';
import { planHalvingRounds, scoreCandidate, searchCandidates, type CandidateJob, type HalvingRoundJob, type HalvingRoundSplits } from '../search/search';
import { metricInfo } from '../metrics';
import type { Target, Task } from '../types';
import { MlError, throwIfAborted } from '../types';
import {
  crossValidate,
  fitPrepared,
  holdoutSplit,
  kFold,
  selectRows,
  selectTarget,
  stratifiedKFold,
  type CrossValidateOptions,
  type CrossValidationResult,
  type Learner,
  type ModelInput,
  type PipelineLike,
  type Split,
  type TrainProgress,
} from '../validation';
import { permutationImportance, type PermutationImportanceResult } from '../inspection/permutationImportance';
import { errorTable, type ErrorTable } from '../inspection/errorRows';
import { fittedCanRunInWorkers, foldsCanRunInWorkers, foldsInWorkers, importanceInWorkers } from '../parallel/folds';
import { jobsFor, nJobsProblem, resolveJobs } from '../parallel/jobs';
import { LOGISTIC_REGRESSION_SPEC } from '../models/logisticRegression';
import { objectiveMayUseThreads } from '../models/linear/objectiveTeam';
import { runSeed, validateExperiment, type Experiment } from './experiment';
import { featureSteps, leavesOutMissingTarget } from './missingTarget';
import { TextColumnPipeline } from './textPipeline';
import { collectGarbage } from '../memory';

export { runSeed } from './experiment';

/** A preparation pipeline the trainer can fit and later save. */
export interface ExperimentPipeline extends PipelineLike<ModelInput> {
  toJSON(): unknown;
}

export interface TrainOptions {
  /** Overrides the experiment's seed (DEFAULT_SEED when neither is set). */
  readonly seed?: number;
  readonly onProgress?: TrainProgress;
  readonly onTrial?: (trial: Trial) => void;
  /** Grid and random search: score only these candidates (one worker's share of a parallel sweep). */
  readonly candidateIndices?: readonly number[];
  readonly signal?: AbortSignal;
  /** Told about data that will train but is unlikely to be meant (say, a class for almost every row). */
  readonly onWarning?: (message: string) => void;
  /** Builds the preparation pipeline from the `prepare` steps; default Pipeline.fromSpec (tests pass doubles). */
  readonly createPipeline?: (steps: readonly Readonly<Record<string, unknown>>[]) => ExperimentPipeline;
  /** Where embed steps find a relative model folder (the experiment file's folder; default the current one) and their disk cache (none: memory only). */
  readonly embed?: { readonly baseDir: string; readonly cacheDir?: string };
  /** The rows' splits as planned by a queue's coordinator (planSplits); planned here from the seed otherwise. */
  readonly splits?: TrainSplits;
  /** Halving: scores each round's candidates elsewhere (queue workers); the rest of the training runs here. */
  readonly scoreRound?: (round: HalvingRoundJob, splits: TrainSplits) => Promise<Trial[]>;
}

/**
 * Which rows each fit and score uses, by row index of the table trained on (after rows without a
 * target are left out). Planned once from the seed; a queue's coordinator sends them to its workers.
 */
export interface TrainSplits {
  /** Rows the indices count. */
  readonly rows: number;
  /** The validation's splits over all rows: the hold-out's one, or the k folds. */
  readonly validation: readonly Split[];
  /** Grid and random search: the cross-validation splits over the search's rows (the hold-out's training rows, or all rows). */
  readonly search?: readonly Split[];
  /** Halving: each round's candidate count, sample of the search's rows and that sample's splits. */
  readonly rounds?: readonly HalvingRoundSplits[];
}

export interface CvSummary {
  readonly folds: Record<string, number>[];
  readonly mean: Record<string, number>;
  readonly std: Record<string, number>;
}

/** DESIGN.md's result JSON (less runId, which the run store assigns), plus the fitted objects for saving. */
export interface TrainResult {
  readonly status: 'completed';
  readonly name?: string;
  readonly task: Task;
  /** Why the task was inferred, or that the experiment set it. */
  readonly task_reason: string;
  readonly seed: number;
  readonly rows: number;
  /** Rows left out before the split because their target is missing (a dropMissing step asked for it); absent otherwise. */
  readonly missingTargetRows?: number;
  /** Measured on held-out rows: the hold-out set, or the out-of-fold predictions. */
  readonly metrics: Metrics;
  readonly cv?: CvSummary;
  readonly trials?: Omit<Trial, 'index'>[];
  readonly best?: { readonly params: Params; readonly score: number; readonly metric: string };
  /** The model parameters of the deployed model (the experiment's, with the best trial's over them). */
  readonly params: Params;
  readonly validation: { readonly method: 'holdout' | 'kfold'; readonly [key: string]: unknown };
  readonly featureNames: readonly string[];
  /** Permutation importance of the original columns on held-out rows (absent with `importance: false`). */
  readonly permutation_importance?: PermutationImportanceResult;
  /** Regression: held-out (or out-of-fold) actual and predicted values, at most MAX_KEPT_PREDICTIONS, for residual plots. */
  readonly predictions?: { readonly actual: number[]; readonly predicted: number[] };
  /** The held-out rows the model got wrong (or missed by most), at most MAX_ERROR_ROWS; `row` counts rows of the table trained on, from 1. */
  readonly errors: ErrorTable;
  /** Refitted on all rows, for deployment. */
  readonly pipeline: ExperimentPipeline;
  readonly model: Model;
}

type ResolvedValidation = { method: 'holdout'; test_size: number; stratify: boolean } | { method: 'kfold'; folds: number; stratify: boolean; shuffle: boolean };

function resolveValidation(experiment: Experiment, task: Task): ResolvedValidation {
  const v = experiment.validation ?? { method: 'holdout' };
  const stratify = v.stratify ?? task === 'classification';
  if (stratify && task === 'regression') throw new MlError('validation.stratify: only classification targets can be stratified');
  if (v.method === 'kfold') return { method: 'kfold', folds: v.folds ?? 5, stratify, shuffle: v.shuffle ?? true };
  return { method: 'holdout', test_size: v.test_size ?? 0.2, stratify };
}

function splitsFor(validation: ResolvedValidation, y: Target, seed: number): Split[] {
  if (validation.method === 'holdout') {
    return [holdoutSplit(y.length, { testSize: validation.test_size, stratify: validation.stratify ? (y as readonly string[]) : undefined, seed })];
  }
  const options = validation.shuffle ? { shuffle: true as const, seed } : {};
  return validation.stratify ? stratifiedKFold(y as readonly string[], validation.folds, options) : kFold(y.length, validation.folds, options);
}

/** What every part of a training shares: the target, the task, the model and pipeline factories, the validation and the splits. */
function trainingContext(experiment: Experiment, table: Table, options: TrainOptions) {
  const problems = validateExperiment(experiment);
  if (problems.length > 0) throw new MlError(`the experiment has ${problems.length} problem(s):\n${problems.join('\n')}`);
  if (table.rowCount === 0) throw new MlError(`the data file ${experiment.data.path} has no rows`);
  const seed = runSeed(experiment, options.seed);
  const { signal, onProgress } = options;
  const steps = featureSteps(experiment.prepare ?? [], experiment.data.target);
  const leaveOut = leavesOutMissingTarget(experiment.prepare ?? [], experiment.data.target);
  const kept: { table: Table; left: number; kept?: readonly number[] } = leaveOut ? withoutMissingTarget(table, experiment.data.target) : { table, left: 0 };
  const { features, target } = splitTarget(kept.table, experiment.data.target);
  const inferred = experiment.task === undefined ? inferTask(target) : undefined;
  const task: Task = experiment.task ?? (inferred as { task: Task }).task;
  const taskReason = inferred?.reason ?? `task: ${task} is set in the experiment`;
  const y = targetValues(target, task);
  const labels = task === 'classification' ? sortLabels(y as readonly string[]) : undefined;
  if (labels && labels.length < 2) throw new MlError(`target "${target.name}" has a single class ("${labels[0] ?? ''}"); classification needs at least two`);
  if (labels) checkClassCount(target.name, labels.length, y.length, options.onWarning);

  const type = experiment.model.type;
  const baseParams = { ...(experiment.model.params ?? {}) } as Params;
  // One embedding cache for the run: every fold, trial and the refit embed each text once.
  const embed = { baseDir: options.embed?.baseDir ?? process.cwd(), cache: new EmbeddingCache(options.embed?.cacheDir), signal, onProgress };
  const makePipeline = (): ExperimentPipeline =>
    modelInputKind(type) === 'text'
      ? new TextColumnPipeline(steps)
      : (options.createPipeline ?? ((spec) => awaitedPipeline(Pipeline.fromSpec(spec, { allowMissing: modelSpec(type).acceptsMissing === true, embed }))))(
          steps,
        );
  // The registry's models are learners of their own input kind; the pipeline chosen above matches it.
  const makeModel = (params: Params): Learner<ModelInput> => createModel(type, { ...baseParams, ...params }, task) as Learner<ModelInput>;
  const validation = resolveValidation(experiment, task);
  const common = { task, labels, seed, signal, onProgress, makePipeline };
  const splits = options.splits ?? planTrainSplits(experiment, validation, task, y, seed);
  if (splits.rows !== y.length) throw new MlError(`the sweep's splits count ${splits.rows} rows, the data has ${y.length} to train on`);
  // With a hold-out, the search cross-validates on the training rows only and the hold-out scores the winner.
  const holdout = validation.method === 'holdout' ? (splits.validation[0] as Split) : undefined;
  const searchRows = holdout?.train;
  const searchFeatures = experiment.search && searchRows ? selectRows(features, searchRows) : features;
  const searchY = experiment.search && searchRows ? selectTarget(y, searchRows) : y;
  return {
    seed,
    signal,
    onProgress,
    steps,
    leaveOut,
    kept,
    features,
    task,
    taskReason,
    y,
    labels,
    type,
    baseParams,
    makePipeline,
    makeModel,
    validation,
    common,
    splits,
    holdout,
    searchFeatures,
    searchY,
  };
}

/** The search options of an experiment's search, over the search's rows. */
function searchOptionsOf(experiment: Experiment, context: ReturnType<typeof trainingContext>, options: TrainOptions) {
  const search = experiment.search as NonNullable<Experiment['search']>;
  const { common, makeModel, splits, task } = context;
  return {
    ...common,
    method: search.method,
    space: search.params,
    metric: search.metric ?? defaultMetric(task),
    nIter: search.n_iter,
    factor: search.factor,
    makeModel,
    makeSplits: () => [...(splits.search ?? [])],
    rounds: splits.rounds,
    onTrial: options.onTrial,
    only: options.candidateIndices,
  };
}

/** The splits of a training, from the seed: what trainExperiment uses, and what a queue's coordinator sends its workers. */
function planTrainSplits(experiment: Experiment, validation: ResolvedValidation, task: Task, y: Target, seed: number): TrainSplits {
  const outer = splitsFor(validation, y, seed);
  const search = experiment.search;
  if (!search) return { rows: y.length, validation: outer };
  const inner: ResolvedValidation =
    validation.method === 'kfold' ? validation : { method: 'kfold', folds: search.folds ?? 3, stratify: validation.stratify, shuffle: true };
  const searchY = validation.method === 'holdout' ? selectTarget(y, (outer[0] as Split).train) : y;
  if (search.method !== 'halving') return { rows: y.length, validation: outer, search: splitsFor(inner, searchY, seed) };
  const candidates = searchCandidates({ method: search.method, space: search.params, nIter: search.n_iter, seed }).length;
  return {
    rows: y.length,
    validation: outer,
    rounds: planHalvingRounds(searchY, task, candidates, search.factor ?? 3, (subset) => splitsFor(inner, subset, seed), seed),
  };
}

/** The splits an experiment trains and searches on with this seed (for a queue's coordinator to send its workers). */
export function planSplits(experiment: Experiment, table: Table, seed?: number): TrainSplits {
  return trainingContext(experiment, table, { seed }).splits;
}

/** What scoring some of a search's candidates gives: their trials and the search metric. */
export interface ScoredTrials {
  readonly trials: Trial[];
  readonly metric: string;
  readonly greaterIsBetter: boolean;
}

/**
 * Scores some candidates of an experiment's search and nothing more (no refit): a share of a grid
 * or random search by candidate index, or halving trials by parameters and round. Queue workers and
 * the thread pool run this; the coordinator records the trials and refits the best.
 */
export async function scoreTrials(
  experiment: Experiment,
  table: Table,
  options: Pick<TrainOptions, 'seed' | 'signal' | 'splits' | 'onTrial' | 'embed'> & {
    readonly candidateIndices?: readonly number[];
    readonly halving?: readonly CandidateJob[];
  },
): Promise<ScoredTrials> {
  const context = trainingContext(experiment, table, options);
  if (!experiment.search) throw new MlError('the experiment has no search: its candidates cannot be scored');
  const search = searchOptionsOf(experiment, context, options);
  const info = metricInfo(search.metric, context.task);
  if (!options.halving) {
    const result = await runSearch<ModelInput>(context.searchFeatures, context.searchY, search);
    return { trials: result.trials, metric: search.metric, greaterIsBetter: result.greaterIsBetter };
  }
  const trials: Trial[] = [];
  for (const job of options.halving) {
    const round = context.splits.rounds?.[job.iteration ?? -1];
    if (!round) throw new MlError(`halving trial ${job.index + 1}: the search has no round ${(job.iteration ?? -1) + 1}`);
    const { trial } = await scoreCandidate<ModelInput>(context.searchFeatures, context.searchY, search, job, round);
    trials.push(trial);
    options.onTrial?.(trial);
  }
  return { trials, metric: search.metric, greaterIsBetter: info.greaterIsBetter };
}

/**
 * Whether a run of the experiment reads its large numeric columns into shared memory (readTable's sharedColumns):
 * only where worker threads read them, a logistic fit's objective team (it takes no others) or folds on workers
 * (which would copy them), as trainExperiment decides below; plain memory leaves the others a lower peak.
 */
export function readsSharedColumns(experiment: Experiment): boolean {
  const { type, params } = experiment.model;
  if (type === LOGISTIC_REGRESSION_SPEC.type && objectiveMayUseThreads(params?.n_jobs)) return true;
  // Folds go to workers only from a k-fold validation (a hold-out is one split, a search's folds stay inline).
  const validation = experiment.validation;
  if (validation?.method !== 'kfold' || nJobsProblem(validation.n_jobs) || resolveJobs(validation.n_jobs) <= 1) return false;
  return foldsCanRunInWorkers(type, featureSteps(experiment.prepare ?? [], experiment.data.target));
}

/** Trains and evaluates an experiment on a loaded table; the same table, experiment and seed give identical metrics. */
export async function trainExperiment(experiment: Experiment, table: Table, options: TrainOptions = {}): Promise<TrainResult> {
  const context = trainingContext(experiment, table, options);
  const { seed, signal, onProgress, steps, leaveOut, kept, features, task, taskReason, y, labels, type, baseParams } = context;
  const { makePipeline, makeModel, validation, common, splits, holdout } = context;

  let evaluation: CrossValidationResult;
  let bestParams: Params = {};
  let searchPart: Pick<TrainResult, 'trials' | 'best'> = {};
  let cv: CvSummary | undefined;
  const importance = experiment.importance === false ? undefined : (experiment.importance ?? {});
  const keepFitted = importance !== undefined;
  // validation.n_jobs: folds on worker threads, for models and steps a worker can rebuild; a hold-out's one split stays here.
  const foldJobs = jobsFor(experiment.validation?.n_jobs, features.rowCount * features.columns.length, 'validation.n_jobs');
  const foldsOnWorkers = foldJobs > 1 && !options.createPipeline && foldsCanRunInWorkers(type, steps);
  const foldRunner = (params: Params, splits: readonly Split[]): Pick<CrossValidateOptions<ModelInput>, 'foldRunner'> =>
    foldsOnWorkers && splits.length > 1
      ? {
          foldRunner: foldsInWorkers(
            features,
            y,
            { steps, modelType: type, params: { ...baseParams, ...params }, task, seed, labels, keepFitted },
            foldJobs,
            signal,
            onProgress,
          ),
        }
      : {};
  if (!experiment.search) {
    const outer = [...splits.validation];
    evaluation = await crossValidate<ModelInput>(features, y, {
      ...common,
      keepFitted,
      makeModel: () => makeModel({}),
      splits: outer,
      ...foldRunner({}, outer),
    });
    if (validation.method === 'kfold') cv = { folds: evaluation.folds, mean: evaluation.mean, std: evaluation.std };
  } else {
    const search = searchOptionsOf(experiment, context, options);
    const metric = search.metric;
    const scoreRound = options.scoreRound;
    const result = await runSearch<ModelInput>(context.searchFeatures, context.searchY, {
      ...search,
      ...(scoreRound ? { scoreRound: (round: HalvingRoundJob) => scoreRound(round, splits), withoutBestResult: holdout !== undefined } : {}),
    });
    bestParams = result.best.params;
    searchPart = {
      trials: result.trials.map(({ index: _index, ...trial }) => trial),
      best: { params: result.best.params, score: result.best.score, metric },
    };
    if (holdout) {
      evaluation = await crossValidate<ModelInput>(features, y, { ...common, keepFitted, makeModel: () => makeModel(bestParams), splits: [holdout] });
    } else {
      evaluation = result.bestResult as CrossValidationResult;
      cv = { folds: evaluation.folds, mean: evaluation.mean, std: evaluation.std };
    }
  }

  let permutation: PermutationImportanceResult | undefined;
  if (importance) {
    // A k-fold search keeps no fitted folds: the winner's folds are fitted once more (same seed, same models).
    const outer = [...splits.validation];
    const fitted =
      evaluation.fitted ??
      (
        await crossValidate<ModelInput>(features, y, {
          ...common,
          onProgress: undefined,
          keepFitted,
          makeModel: () => makeModel(bestParams),
          splits: outer,
          ...foldRunner(bestParams, outer),
        })
      ).fitted ??
      [];
    const importanceJobs = jobsFor(importance.n_jobs, features.columns.length * (importance.n_repeats ?? 5) * y.length, 'importance.n_jobs');
    const columnsOnWorkers = importanceJobs > 1 && features.columns.length > 1 && fittedCanRunInWorkers(fitted);
    permutation = await permutationImportance(features, y, fitted, {
      ...(columnsOnWorkers ? { scoreColumns: (context, columns, onColumns) => importanceInWorkers(context, columns, importanceJobs, signal, onColumns) } : {}),
      task,
      metric: experiment.search?.metric ?? defaultMetric(task),
      labels,
      nRepeats: importance.n_repeats,
      seed,
      signal,
      onProgress,
    });
  }

  await new Promise<void>((resolve) => setImmediate(resolve)); // as between folds: a cancel is heard before the refit
  throwIfAborted(signal);
  onProgress?.({ stage: 'refit', step: 1, of: 1 });
  // The evaluation's copies of the rows are garbage now: freed before the refit allocates its own (peak memory).
  if (features.rowCount * features.columns.length >= COLLECT_BEFORE_REFIT_CELLS) collectGarbage();
  const pipeline = makePipeline();
  const prepared = await pipeline.fitTransform(features, y, { signal, seed });
  const model = makeModel(bestParams);
  await fitPrepared(model, prepared, {
    seed,
    signal,
    onProgress: onProgress ? (event) => onProgress({ ...event, stage: `refit ${event.stage}` }) : undefined,
  });

  const { method, ...validationSettings } = validation;
  return {
    status: 'completed',
    ...(experiment.name !== undefined ? { name: experiment.name } : {}),
    task,
    task_reason: taskReason,
    seed,
    rows: y.length,
    ...(leaveOut ? { missingTargetRows: kept.left } : {}),
    metrics: evaluation.metrics,
    ...(cv ? { cv } : {}),
    ...searchPart,
    ...(permutation ? { permutation_importance: permutation } : {}),
    ...(task === 'regression' ? { predictions: heldOutPredictions(y as Float64Array, evaluation) } : {}),
    errors: errorTable(
      features,
      { task, y, rows: evaluation.rows, predictions: evaluation.predictions, proba: evaluation.proba, labels },
      (i) => (kept.kept?.[i] ?? i) + 1,
    ),
    params: { ...baseParams, ...bestParams },
    validation: { method, ...validationSettings },
    featureNames: prepared.featureNames,
    pipeline,
    model: model as Model,
  };
}

/** Tables of at least this many cells collect the evaluation's garbage before the refit (smaller ones gain nothing worth a collection). */
const COLLECT_BEFORE_REFIT_CELLS = 1_000_000;

/**
 * Most classes a classification run takes. Its results hold a classes × classes confusion matrix:
 * at 10,000 classes that is 10^8 cells, more than run.json (or a JSON string) can hold, after
 * minutes of training; refused up front instead.
 */
export const MAX_CLASSES = 1000;
/** Fewer training rows a class than this, over more classes than MIN_CLASSES_TO_WARN, earns a warning. */
const FEW_ROWS_PER_CLASS = 5;
const MIN_CLASSES_TO_WARN = 50;

function checkClassCount(target: string, classes: number, rows: number, warn: ((message: string) => void) | undefined): void {
  const hint = `is "${target}" an id or a measurement? For a numeric target set \`task: regression\`; otherwise group rare classes`;
  if (classes > MAX_CLASSES) {
    throw new MlError(
      `target "${target}" has ${classes.toLocaleString('en')} classes over ${rows.toLocaleString('en')} rows; classification takes at most ${MAX_CLASSES.toLocaleString('en')} (the confusion matrix alone would hold ${(classes * classes).toLocaleString('en')} cells): ${hint}`,
    );
  }
  if (classes > MIN_CLASSES_TO_WARN && rows / classes < FEW_ROWS_PER_CLASS) {
    warn?.(
      `target "${target}" has ${classes.toLocaleString('en')} classes over ${rows.toLocaleString('en')} rows (${(rows / classes).toFixed(1)} rows a class): a model learns little from so few rows a class; ${hint}`,
    );
  }
}

/** Most held-out predictions a run keeps for its predicted-vs-actual and residual charts. */
export const MAX_KEPT_PREDICTIONS = 5000;

/** Pairs each scored row's actual value with its prediction, thinned evenly to MAX_KEPT_PREDICTIONS. */
function heldOutPredictions(y: Float64Array, evaluation: CrossValidationResult): { actual: number[]; predicted: number[] } {
  const predicted = evaluation.predictions as Float64Array;
  const step = Math.max(1, Math.ceil(evaluation.rows.length / MAX_KEPT_PREDICTIONS));
  const actual: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < evaluation.rows.length; i += step) {
    actual.push(y[evaluation.rows[i] as number] as number);
    kept.push(predicted[i] as number);
  }
  return { actual, predicted: kept };
}
