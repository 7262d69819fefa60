/**
 * A single training run elsewhere (a queue worker): the worker trains and saves the fitted pipeline
 * and model into files, and sends back the result without its fitted objects plus those files; the
 * coordinator, the run's only writer, turns that back into a TrainResult whose pipeline and model
 * write the very same files into the run (executeRun's `train`).
 */
import * as path from 'node:path';
import { writeFileAtomic } from './atomic';
import type { ExperimentPipeline, TrainResult, TrainSplits } from '../experiment/train';

/** Input of the pool task `queue.train` (a queue worker's trial thread; ./trainTask.ts). */
export interface TrainTaskInput {
  readonly experimentFile: string;
  readonly seed: number;
  /** The coordinator's splits. */
  readonly splits?: TrainSplits;
}
import type { Model } from '../models/registry';
import type { EmbedRecord } from '../embed/record';

/** What a training on a queue worker sends back. */
export interface TrainingOutcome {
  readonly result: Omit<TrainResult, 'pipeline' | 'model'>;
  /**
   * pipeline.json, its embed steps' model folders relative to the experiment file's folder (the worker's copy sits
   * elsewhere), and what the run records of those steps, their folders relative too.
   */
  readonly pipeline: { readonly json: unknown; readonly notes?: readonly string[]; readonly embeddings?: EmbedRecord };
  readonly model: {
    readonly type: string;
    readonly classes?: readonly string[];
    readonly featureImportances?: Float64Array;
    /** model.json, and model/… for networks, relative to the run's folder. */
    readonly files: Record<string, Uint8Array>;
  };
  /** What trainExperiment warned about, in order. */
  readonly warnings: readonly string[];
  /** Where it trained. */
  readonly environment: Record<string, string>;
}

/**
 * The TrainResult of an outcome: its pipeline and model stand in for the fitted ones and save the worker's files; the
 * embed steps' folders are those beside `experimentFile` here.
 */
export function trainResultOf(outcome: TrainingOutcome, experimentFile: string): TrainResult {
  const baseDir = path.dirname(path.resolve(experimentFile));
  const embeddings = outcome.pipeline.embeddings;
  const pipeline = {
    toJSON: () => mapEncoderFolders(outcome.pipeline.json, (folder) => path.resolve(baseDir, folder)),
    notes: outcome.pipeline.notes ?? [],
    ...(embeddings ? { embeddings: { ...embeddings, steps: embeddings.steps.map((step) => ({ ...step, model: path.resolve(baseDir, step.model) })) } } : {}),
  } as unknown as ExperimentPipeline;
  const files = outcome.model.files;
  const model = {
    type: outcome.model.type,
    ...(outcome.model.classes ? { classes: outcome.model.classes } : {}),
    ...(outcome.model.featureImportances ? { featureImportances: outcome.model.featureImportances } : {}),
    toJSON: () => JSON.parse(Buffer.from(files['model.json'] ?? new Uint8Array()).toString('utf8')) as unknown,
    // A network's model/ folder: saveModelFiles asks for it with the folder to write it in.
    ...(Object.keys(files).some((name) => name.startsWith('model/'))
      ? {
          saveTo: async (target: string) => {
            for (const [name, bytes] of Object.entries(files))
              if (name.startsWith('model/')) writeFileAtomic(path.join(target, name.slice('model/'.length)), Buffer.from(bytes));
          },
        }
      : {}),
  } as unknown as Model;
  return { ...outcome.result, pipeline, model };
}

/** pipeline.json with each embed step's model folder (its fitted state's `model`) mapped by `map`. */
export function mapEncoderFolders(json: unknown, map: (folder: string) => string): unknown {
  const pipeline = json as { type?: unknown; steps?: unknown };
  if (pipeline?.type !== 'pipeline' || !Array.isArray(pipeline.steps)) return json;
  return {
    ...pipeline,
    steps: (pipeline.steps as { step?: unknown; state?: { model?: unknown } }[]).map((step) =>
      step.step === 'embed' && typeof step.state?.model === 'string' ? { ...step, state: { ...step.state, model: map(step.state.model) } } : step,
    ),
  };
}
