/** The body of scoreShare (./sweep.ts), kept apart so that importing sweep.ts does not load DuckDB or TensorFlow.js. */
import { readRunTable } from './runTable';
import { embedLocations } from '../embed/context';
import { scoreTrials, type TrainSplits } from '../experiment/train';
import type { CandidateJob } from '../search/search';
import type { Trial } from '../search';
import { formatProblems, loadExperimentFile } from './experimentFile';
import type { ShareResult } from './sweep';

/**
 * scoreShare with its modules loaded: pool workers import this file directly. Scores one share of a
 * sweep's candidates (by index, or halving trials by parameters and round) on the given splits (a
 * queue coordinator's) or the seed's, reporting each trial as it finishes. Nothing is refitted.
 */
export async function scoreShareNow(
  experimentFile: string,
  indices: readonly number[],
  options: { seed?: number; signal?: AbortSignal; onTrial?: (trial: Trial) => void; splits?: TrainSplits; halving?: readonly CandidateJob[] },
): Promise<ShareResult> {
  const loaded = loadExperimentFile(experimentFile);
  if (!loaded.experiment || !loaded.dataPath) throw new Error(`invalid experiment file:\n${formatProblems(loaded)}`);
  const trials: Trial[] = [];
  try {
    return await scoreTrials(loaded.experiment, await readRunTable(loaded.dataPath, loaded.experiment, options.seed), {
      seed: options.seed,
      signal: options.signal,
      splits: options.splits,
      // An embed step's model folder is relative to the experiment file, not to this worker's directory.
      embed: embedLocations(experimentFile),
      ...(options.halving ? { halving: options.halving } : { candidateIndices: indices }),
      onTrial: (trial) => {
        trials.push(trial);
        options.onTrial?.(trial);
      },
    });
  } catch (error) {
    // Every candidate of this share failed (the search then throws): the failed trials are its result,
    // and the sweep decides whether any share scored.
    if (trials.length === indices.length && trials.every((trial) => trial.error)) return { trials, metric: '', greaterIsBetter: true };
    throw error;
  }
}
