/** The pool task `queue.train`: a single training on a queue worker's thread, kept apart so that remoteTraining.ts loads no DuckDB. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { embedLocations } from '../embed/context';
import { readRunTable } from './runTable';
import { trainExperiment } from '../experiment/train';
import { formatProblems, loadExperimentFile } from './experimentFile';
import { mapEncoderFolders, type TrainingOutcome, type TrainTaskInput } from './remoteTraining';
import { embedRecord } from '../embed/record';
import { saveModelFiles, type SavableModel } from './versions';
import type { TrainProgress } from '../validation/progress';

/** Trains an experiment file here and packs what the coordinator needs to record the run; `onProgress` hears the training's events. */
export async function trainForQueue(input: TrainTaskInput, signal?: AbortSignal, onProgress?: TrainProgress): Promise<TrainingOutcome> {
  const loaded = loadExperimentFile(input.experimentFile);
  if (!loaded.experiment || !loaded.dataPath) throw new Error(`invalid experiment file:\n${formatProblems(loaded)}`);
  const warnings: string[] = [];
  const trained = await trainExperiment(loaded.experiment, await readRunTable(loaded.dataPath, loaded.experiment, input.seed), {
    seed: input.seed,
    signal,
    embed: embedLocations(input.experimentFile),
    splits: input.splits,
    ...(onProgress ? { onProgress } : {}),
    onWarning: (message) => warnings.push(message),
  });
  const { pipeline, model, ...result } = trained;
  // The encoder folders as the experiment names them: the coordinator finds them beside its own experiment file.
  const baseDir = path.dirname(path.resolve(input.experimentFile));
  const relativeToExperiment = (folder: string): string => path.relative(baseDir, folder);
  const embeddings = embedRecord(pipeline);
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-train-'));
  try {
    await saveModelFiles(dir, model as SavableModel);
    const files: Record<string, Uint8Array> = {};
    const walk = (relative: string): void => {
      for (const name of readdirSync(path.join(dir, relative))) {
        const entry = path.join(relative, name);
        if (statSync(path.join(dir, entry)).isDirectory()) walk(entry);
        else files[entry.split(path.sep).join('/')] = readFileSync(path.join(dir, entry));
      }
    };
    walk('');
    const fitted = model as { classes?: readonly string[]; featureImportances?: Float64Array };
    return {
      result,
      pipeline: {
        json: mapEncoderFolders(pipeline.toJSON(), relativeToExperiment),
        ...(embeddings ? { embeddings: { ...embeddings, steps: embeddings.steps.map((step) => ({ ...step, model: relativeToExperiment(step.model) })) } } : {}),
        ...((pipeline as { notes?: readonly string[] }).notes ? { notes: (pipeline as { notes?: readonly string[] }).notes } : {}),
      },
      model: {
        type: model.type,
        ...(fitted.classes ? { classes: [...fitted.classes] } : {}),
        ...(fitted.featureImportances ? { featureImportances: Float64Array.from(fitted.featureImportances) } : {}),
        files,
      },
      warnings,
      environment: { node: process.version, platform: `${process.platform}-${process.arch}` },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
