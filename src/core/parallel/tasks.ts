/**
 * The kinds of task a pool worker runs, by name. Each handler takes its task's input as the pool
 * sent it (structured clone; typed arrays in shared memory stay shared) and returns its output.
 */
import { growForestTree, type ForestTreeTask } from '../models/tree/forest';

/** What a handler may tell the pool while it runs. */
export interface TaskContext {
  progress(event: unknown): void;
}

export type TaskHandler = (input: never, context: TaskContext) => unknown;

/** Handlers by task kind. */
export const POOL_TASKS: Readonly<Record<string, TaskHandler>> = {
  'forest.tree': (input: ForestTreeTask) => growForestTree(input),
};
