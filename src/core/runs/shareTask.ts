/** The body of scoreShare (./sweep.ts), kept apart so that importing sweep.ts does not load DuckDB or TensorFlow.js. */
import { readTable } from '../datasets';
import { trainExperiment } from '../experiment/train';
import { metricInfo } from '../metrics';
import type { Trial } from '../search';
import { formatProblems, loadExperimentFile } from './experimentFile';
import type { ShareResult } from './sweep';

/** scoreShare with its modules loaded: pool workers import this file directly. Scores one share of a sweep's candidates, reporting each trial as it finishes. */
export async function scoreShareNow(
  experimentFile: string,
  indices: readonly number[],
  options: { seed?: number; signal?: AbortSignal; onTrial?: (trial: Trial) => void },
): Promise<ShareResult> {
  const loaded = loadExperimentFile(experimentFile);
  if (!loaded.experiment || !loaded.dataPath) throw new Error(`invalid experiment file:\n${formatProblems(loaded)}`);
  const trials: Trial[] = [];
  let result: Awaited<ReturnType<typeof trainExperiment>>;
  try {
    result = await trainExperiment(loaded.experiment, await readTable(loaded.dataPath), {
      seed: options.seed,
      signal: options.signal,
      candidateIndices: indices,
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
  const metric = result.best?.metric ?? '';
  return { trials, metric, greaterIsBetter: metricInfo(metric, result.task).greaterIsBetter };
}
