/**
 * Cross-validation folds and permutation-importance columns on worker threads (`validation.n_jobs`,
 * `importance.n_jobs`). A worker rebuilds the experiment's pipeline and model from their specs (or
 * restores fitted ones from JSON), so only models without TensorFlow.js and pipelines without a
 * pretrained encoder go there; the others run inline. Every fold fits with the run's seed, as
 * inline, so the outcomes are the same for every n_jobs.
 */
import type { Table } from '../data/table';
import { permutedScores, type ImportanceContext } from '../inspection/permutationImportance';
import { CLASSIC_MODELS } from '../models/classicModels';
import { Pipeline, type PipelineJSON } from '../prepare/pipeline';
import type { DenseMatrix, EstimatorJSON, Target, Task } from '../types';
import { MlError } from '../types';
import { runFold, type FittedSplit, type FoldOutcome, type Learner, type ModelInput, type Split, type TrainProgress } from '../validation';
import { runTasks, shared } from './pool';
import { sharedTable, shareTarget, unshareTarget, type SharedTarget } from './transfer';

/** How a worker builds a fold's pipeline and model. */
export interface FoldRecipe {
  readonly steps: readonly Readonly<Record<string, unknown>>[];
  readonly modelType: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly task: Task;
  readonly seed: number;
  readonly labels?: readonly string[];
  readonly keepFitted: boolean;
}

interface FoldTask {
  readonly features: Table;
  readonly y: SharedTarget;
  readonly splits: readonly Split[];
  readonly index: number;
  readonly recipe: FoldRecipe;
}

interface FoldTaskOutput {
  readonly predictions: Target;
  readonly proba?: DenseMatrix;
  readonly fitted?: { readonly pipeline: PipelineJSON; readonly model: EstimatorJSON };
}

const classic = new Map(CLASSIC_MODELS.map((definition) => [definition.spec.type, definition]));

/** Whether a fold of this model and these steps can run on a worker thread. */
export function foldsCanRunInWorkers(modelType: string, steps: readonly Readonly<Record<string, unknown>>[]): boolean {
  return classic.has(modelType) && classic.get(modelType)?.spec.input === 'matrix' && !steps.some((step) => 'embed' in step);
}

function definition(type: string): NonNullable<ReturnType<typeof classic.get>> {
  const found = classic.get(type);
  if (!found) throw new MlError(`model type ${type} does not run on worker threads`);
  return found;
}

/** A worker's side of one fold: builds, fits and scores it, and hands back JSON of what it fitted. */
export async function foldTask(task: FoldTask, progress: (event: unknown) => void): Promise<FoldTaskOutput> {
  const { recipe } = task;
  const outcome = await runFold(
    task.features,
    unshareTarget(task.y),
    task.splits[task.index] as Split,
    task.index,
    {
      task: recipe.task,
      splits: task.splits,
      seed: recipe.seed,
      keepFitted: recipe.keepFitted,
      // As trainExperiment: models that take missing values natively get a pipeline that lets NaN through.
      makePipeline: () => Pipeline.fromSpec(recipe.steps, { allowMissing: definition(recipe.modelType).spec.acceptsMissing === true }),
      makeModel: () => definition(recipe.modelType).create({ ...recipe.params }, recipe.task) as unknown as Learner,
      onProgress: progress,
    },
    recipe.labels,
  );
  return {
    predictions: outcome.predictions,
    ...(outcome.proba ? { proba: outcome.proba } : {}),
    ...(outcome.fitted ? { fitted: { pipeline: (outcome.fitted.pipeline as Pipeline).toJSON(), model: outcome.fitted.model.toJSON() } } : {}),
  };
}

/** A crossValidate foldRunner that fits the splits on up to `jobs` worker threads. */
export function foldsInWorkers(
  features: Table,
  y: Target,
  recipe: FoldRecipe,
  jobs: number,
  signal: AbortSignal | undefined,
  onProgress: TrainProgress | undefined,
): (splits: readonly Split[]) => Promise<FoldOutcome[]> {
  return async (splits) => {
    // Every column's typed array and the target go to every worker through shared memory; only string columns'
    // distinct categories and the target's distinct labels are copied.
    const table = sharedTable(features);
    const target = shareTarget(y);
    const outputs = await runTasks<FoldTask, FoldTaskOutput>(
      'cv.fold',
      splits.map((_, index) => ({ features: table, y: target, splits, index, recipe })),
      { jobs, signal, onProgress: onProgress ? (_, event) => onProgress(event as Parameters<TrainProgress>[0]) : undefined },
    );
    return outputs.map((output, index) => ({
      predictions: output.predictions,
      ...(output.proba ? { proba: output.proba } : {}),
      ...(output.fitted ? { fitted: restoreFitted(splits[index] as Split, output.fitted) } : {}),
    }));
  };
}

function restoreFitted(split: Split, fitted: { readonly pipeline: PipelineJSON; readonly model: EstimatorJSON }): FittedSplit<ModelInput> {
  return {
    split,
    pipeline: Pipeline.fromJSON(fitted.pipeline),
    model: definition(String(fitted.model.type)).fromJSON(fitted.model) as unknown as Learner<ModelInput>,
  };
}

/** What a worker needs to score some columns of permutation importance: the context with its predictors as JSON. */
interface ImportanceTask {
  readonly context: Omit<ImportanceContext, 'predictors' | 'truth'> & { readonly truth: SharedTarget };
  readonly predictors: readonly { readonly pipeline: PipelineJSON; readonly model: EstimatorJSON }[];
  readonly columns: readonly number[];
}

/** A worker's side: the permuted scores of each of its columns. */
export async function importanceTask(task: ImportanceTask): Promise<number[][]> {
  const context: ImportanceContext = {
    ...task.context,
    truth: unshareTarget(task.context.truth),
    predictors: task.predictors.map((p) => restoreFitted({ train: [], test: [] }, p)),
  };
  const scores: number[][] = [];
  for (const column of task.columns) scores.push(await permutedScores(context, column));
  return scores;
}

/** Whether fitted splits can be sent to workers: saved pipelines and models of types a worker can restore. */
export function fittedCanRunInWorkers(fitted: readonly FittedSplit<ModelInput>[]): boolean {
  return fitted.every((f) => f.pipeline instanceof Pipeline && classic.has(f.model.type));
}

/**
 * Scores permutation importance's columns on up to `jobs` workers, in chunks dealt as workers free
 * up; returns each column's permuted scores in column order, as permutedScores would inline.
 */
export async function importanceInWorkers(
  context: ImportanceContext,
  columns: number,
  jobs: number,
  signal: AbortSignal | undefined,
  onColumns: (done: number) => void,
): Promise<number[][]> {
  const predictors = context.predictors.map((p) => ({ pipeline: (p.pipeline as unknown as Pipeline).toJSON(), model: p.model.toJSON() }));
  const { predictors: _fitted, truth, tests, permutations, ...others } = context;
  // The held-out tables, the permutations and the truth go to every chunk through shared memory, not cloned per task.
  const rest = {
    ...others,
    tests: tests.map(sharedTable),
    permutations: permutations.map((repeat) => repeat.map((order) => shared(order))),
    truth: shareTarget(truth),
  };
  const size = Math.max(1, Math.ceil(columns / (jobs * 2)));
  const chunks: number[][] = [];
  for (let c = 0; c < columns; c += size) chunks.push(Array.from({ length: Math.min(size, columns - c) }, (_, i) => c + i));
  let done = 0;
  const outputs = await runTasks<ImportanceTask, number[][]>(
    'importance.columns',
    chunks.map((chunk) => ({ context: rest, predictors, columns: chunk })),
    { jobs, signal, onResult: (_, index) => onColumns((done += (chunks[index] as number[]).length)) },
  );
  return outputs.flat();
}
