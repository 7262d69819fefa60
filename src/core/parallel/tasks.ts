/**
 * The kinds of task a pool worker runs, by name. Each handler takes its task's input as the pool
 * sent it (structured clone; typed arrays in shared memory stay shared) and returns its output.
 * Handlers load their modules when first called (require: under tsx a worker resolves only through
 * its CommonJS hook; esbuild bundles the literal paths): a worker then loads only what its task
 * needs. From source the sweep and training modules take seconds to load, which a
 * gradient_boosting fit's histogram workers would otherwise spend before helping.
 */
import type { HistogramWorkerInput } from '../models/boosting/team';
import type { ObjectiveWorkerInput } from '../models/linear/objectiveTeam';
import type { KnnQueryTask } from '../models/knn/parallel';
import type { ForestTreeTask } from '../models/tree/forest';
import type { foldTask, importanceTask } from './folds';
import type { ShareTaskInput } from '../runs/sweepRun';
import type { TrainTaskInput } from '../runs/remoteTraining';

/** What a handler may tell the pool while it runs. */
export interface TaskContext {
  progress(event: unknown): void;
}

export type TaskHandler = (input: never, context: TaskContext) => unknown;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on a handler's first call (see above) */
/** Handlers by task kind. */
export const POOL_TASKS: Readonly<Record<string, TaskHandler>> = {
  'forest.tree': (input: ForestTreeTask) => (require('../models/tree/forest') as typeof import('../models/tree/forest')).growForestTree(input),
  'cv.fold': (input: Parameters<typeof foldTask>[0], context) =>
    (require('./folds') as typeof import('./folds')).foldTask(input, (event) => context.progress(event)),
  'importance.columns': (input: Parameters<typeof importanceTask>[0]) => (require('./folds') as typeof import('./folds')).importanceTask(input),
  // A gradient_boosting fit's histogram worker: its features of every large node, or whole trees, until the fit ends.
  'boosting.histograms': (input: HistogramWorkerInput) =>
    (require('../models/boosting/team') as typeof import('../models/boosting/team')).histogramWorker(
      input,
      (require('../models/boosting/grower') as typeof import('../models/boosting/grower')).growerAlone,
    ),
  // A logistic_regression fit's objective worker: chunks of rows of every evaluation until the fit ends.
  'logistic.objective': (input: ObjectiveWorkerInput) =>
    (require('../models/linear/objectiveTeam') as typeof import('../models/linear/objectiveTeam')).objectiveWorker(input),
  // Blocks of a knn predict's queries, claimed alongside the calling thread.
  'knn.queries': (input: KnnQueryTask) => (require('../models/knn/parallel') as typeof import('../models/knn/parallel')).searchBlocks(input),
  // A single training sent to a queue worker: trained here, its fitted objects packed as files.
  'queue.train': (input: TrainTaskInput, context) =>
    (require('../runs/trainTask') as typeof import('../runs/trainTask')).trainForQueue(input, undefined, (event) => context.progress(event)),
  // One share of a sweep's candidates (sweepRun's thread executor and queue workers).
  'sweep.share': (input: ShareTaskInput) =>
    (require('../runs/shareTask') as typeof import('../runs/shareTask')).scoreShareNow(input.experimentFile, input.indices, {
      seed: input.seed,
      splits: input.splits,
      ...(input.halving ? { halving: input.halving } : {}),
    }),
};
/* eslint-enable @typescript-eslint/no-require-imports */
