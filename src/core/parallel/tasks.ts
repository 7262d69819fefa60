/**
 * The kinds of task a pool worker runs, by name. Each handler takes its task's input as the pool
 * sent it (structured clone; typed arrays in shared memory stay shared) and returns its output.
 */
import { histogramWorker, type HistogramWorkerInput } from '../models/boosting/team';
import { searchBlocks, type KnnQueryTask } from '../models/knn/parallel';
import { growForestTree, type ForestTreeTask } from '../models/tree/forest';
import { foldTask, importanceTask } from './folds';
import type { ShareTaskInput } from '../runs/sweepRun';
import { scoreShareNow } from '../runs/shareTask';
import { trainForQueue } from '../runs/trainTask';
import type { TrainTaskInput } from '../runs/remoteTraining';

/** What a handler may tell the pool while it runs. */
export interface TaskContext {
  progress(event: unknown): void;
}

export type TaskHandler = (input: never, context: TaskContext) => unknown;

/** Handlers by task kind. */
export const POOL_TASKS: Readonly<Record<string, TaskHandler>> = {
  'forest.tree': (input: ForestTreeTask) => growForestTree(input),
  'cv.fold': (input: Parameters<typeof foldTask>[0], context) => foldTask(input, (event) => context.progress(event)),
  'importance.columns': (input: Parameters<typeof importanceTask>[0]) => importanceTask(input),
  // A gradient_boosting fit's histogram worker: its features of every large node until the fit ends.
  'boosting.histograms': (input: HistogramWorkerInput) => histogramWorker(input),
  // Blocks of a knn predict's queries, claimed alongside the calling thread.
  'knn.queries': (input: KnnQueryTask) => searchBlocks(input),
  // A single training sent to a queue worker: trained here, its fitted objects packed as files.
  'queue.train': (input: TrainTaskInput) => trainForQueue(input),
  // One share of a sweep's candidates (sweepRun's thread executor and queue workers).
  'sweep.share': (input: ShareTaskInput) =>
    scoreShareNow(input.experimentFile, input.indices, { seed: input.seed, splits: input.splits, ...(input.halving ? { halving: input.halving } : {}) }),
};
