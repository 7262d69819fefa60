/** How many workers `n_jobs` means (scikit-learn's parameter), and seeds fixed by position for parallel work. */
import { availableParallelism } from 'node:os';
import type { ParamSpec } from '../models/spec';
import { MlError } from '../types';

/** Inside a pool worker, parallel work runs inline: nested pools would only oversubscribe the cores. */
let insidePoolWorker = false;

/** Marks this thread as a pool worker (called by the worker entry point). */
export function markPoolWorker(): void {
  insidePoolWorker = true;
}

/**
 * Workers to use for `n_jobs`: scikit-learn's meaning (-1 all cores, -2 all but one, …), and when
 * left out (null) the cores less one, at least 1. Inside a pool worker always 1.
 */
export function resolveJobs(nJobs: number | null | undefined, owner = 'n_jobs'): number {
  if (insidePoolWorker) return 1;
  const cores = availableParallelism();
  if (nJobs === undefined || nJobs === null) return Math.max(1, cores - 1);
  const problem = nJobsProblem(nJobs);
  if (problem) throw new MlError(`${owner}: ${problem}`);
  return nJobs > 0 ? nJobs : Math.max(1, cores + 1 + nJobs);
}

/**
 * Work below which the default n_jobs (null) runs inline: starting a worker costs tens of milliseconds
 * (seconds when running from source under tsx), more than small data gains. An explicit n_jobs is obeyed.
 */
export const MIN_PARALLEL_WORK = 200_000;

/** resolveJobs for work of `size` units (rows × trees, rows × columns…): the default stays inline below MIN_PARALLEL_WORK. */
export function jobsFor(nJobs: number | null | undefined, size: number, owner = 'n_jobs'): number {
  const jobs = resolveJobs(nJobs, owner);
  return (nJobs === undefined || nJobs === null) && size < MIN_PARALLEL_WORK ? 1 : jobs;
}

/**
 * jobsFor for a fit whose threads share every step of it (gradient boosting's histograms, splits and trees): left out
 * (null), two threads where there are two cores rather than the cores less one, which there would be one, no help at
 * all; the cores less one from three cores on. An explicit n_jobs, and small work, as jobsFor.
 */
export function sharedFitJobsFor(nJobs: number | null | undefined, size: number, owner = 'n_jobs'): number {
  const jobs = jobsFor(nJobs, size, owner);
  if ((nJobs !== undefined && nJobs !== null) || size < MIN_PARALLEL_WORK) return jobs;
  return Math.max(jobs, Math.min(2, resolveJobs(-1, owner)));
}

/** What is wrong with an `n_jobs` value, or undefined when it is valid (null: the default). */
export function nJobsProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value === 0) {
    return `must be a whole number other than 0 (workers to use; -1: every core) or null (the cores less one), got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** The `n_jobs` parameter of a model spec, the same for every model that takes it. */
export const N_JOBS_PARAM: ParamSpec = {
  schema: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'integer', maximum: -1 }, { type: 'null' }] },
  default: null,
  examples: [1, -1],
  doc: 'Worker threads, as scikit-learn: a count, -1 for every core, or null (default) for the cores less one. Results do not depend on it.',
};

/** A child seed from a parent seed and indices (a fold, a repeat): fixed by position, never by completion order. */
export function childSeed(parent: number, ...indices: number[]): number {
  let h = (parent >>> 0) ^ 0x9e3779b9;
  for (const index of indices) {
    h = Math.imul(h ^ (index >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h >>> 0;
}
