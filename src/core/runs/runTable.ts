/** The table a run of an experiment trains on: the whole data file, or the seeded sample `data.sample` names. */
import { readTable } from '../datasets';
import type { Table } from '../data/table';
import { runSeed, type Experiment } from '../experiment/experiment';
import { readsSharedColumns } from '../experiment/train';

/**
 * Reads `dataPath` as a run of `experiment` with seed `seed` (default the experiment's) does: with `data.sample`,
 * the N rows of smallest seeded row hash, so the coordinator, pool workers and queue workers read the same rows;
 * large columns in shared memory when the run's worker threads read them (readsSharedColumns).
 */
export function readRunTable(dataPath: string, experiment: Experiment, seed?: number): Promise<Table> {
  const sample = experiment.data.sample;
  return readTable(dataPath, {
    sharedColumns: readsSharedColumns(experiment),
    ...(sample ? { sample: { rows: sample, seed: runSeed(experiment, seed) } } : {}),
  });
}
