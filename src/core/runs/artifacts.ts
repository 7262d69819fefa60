/**
 * What a finished run keeps for serving and monitoring, beside its model: the input schema of the
 * training data (to validate requests) and a seeded sample of its feature columns (the reference
 * that drift is measured against). And the loader that turns a run folder back into a predictor.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Column, Table } from '../data/table';
import { TextColumnPipeline } from '../experiment/textPipeline';
import { modelFromJSON, type Model } from '../models/registry';
import { MlpClassifier, MlpRegressor, TransformerClassifier } from '../nn';
import { Pipeline } from '../prepare/pipeline';
import { Random } from '../random';
import type { DenseMatrix, EstimatorJSON, Matrix, Task } from '../types';
import { MlError } from '../types';
import { writeJsonAtomic } from './atomic';

export interface RunSchema {
  readonly features: { readonly name: string; readonly kind: Column['kind'] }[];
  readonly target: { readonly name: string; readonly kind: Column['kind'] };
  readonly task: Task;
  /** Class labels in the model's order (classification). */
  readonly labels?: readonly string[];
}

/** Up to this many training rows are kept as the drift reference. */
export const REFERENCE_ROWS = 5000;

export interface ReferenceSample {
  readonly rows: number;
  /** Column name → values (numbers with null for missing, or strings with null). */
  readonly columns: Record<string, (number | string | null)[]>;
}

/** Writes schema.json and reference.json of a run. */
export function saveReference(runDir: string, features: Table, target: Column, task: Task, labels: readonly string[] | undefined, seed: number): void {
  const schema: RunSchema = {
    features: features.columns.map((c) => ({ name: c.name, kind: c.kind })),
    target: { name: target.name, kind: target.kind },
    task,
    ...(labels ? { labels } : {}),
  };
  writeJsonAtomic(path.join(runDir, 'schema.json'), schema);
  const order = Array.from({ length: features.rowCount }, (_, i) => i);
  const rows = features.rowCount <= REFERENCE_ROWS ? order : new Random(seed).shuffle(order).slice(0, REFERENCE_ROWS).sort((a, b) => a - b);
  const columns: ReferenceSample['columns'] = {};
  for (const column of features.columns) {
    columns[column.name] =
      column.kind === 'numeric'
        ? rows.map((i) => {
            const value = column.values[i] as number;
            return Number.isNaN(value) ? null : value;
          })
        : rows.map((i) => column.values[i] ?? null);
  }
  writeJsonAtomic(path.join(runDir, 'reference.json'), { rows: rows.length, columns } satisfies ReferenceSample);
}

/** A run's fitted pipeline and model, ready to predict on new tables. */
export interface LoadedRunModel {
  readonly schema: RunSchema;
  readonly model: Model;
  /** Prepares raw feature rows exactly as in training and predicts. */
  predict(features: Table): { predictions: (string | number)[]; probabilities?: number[][] };
}

interface PreparingPipeline {
  transform(features: Table): Matrix | readonly string[];
}

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new MlError(`${path.basename(file)} is missing in ${path.dirname(file)}: the run did not complete`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Loads the pipeline, model and schema that a completed run saved. */
export async function loadRunModel(runDir: string): Promise<LoadedRunModel> {
  const schema = readJson<RunSchema>(path.join(runDir, 'schema.json'));
  const pipelineJson = readJson<{ type?: string }>(path.join(runDir, 'pipeline.json'));
  const pipeline: PreparingPipeline =
    pipelineJson.type === 'text_column' ? TextColumnPipeline.fromJSON(pipelineJson) : Pipeline.fromJSON(pipelineJson as Parameters<typeof Pipeline.fromJSON>[0]);
  const modelJson = readJson<EstimatorJSON & { format?: string; dir?: string }>(path.join(runDir, 'model.json'));
  let model: Model;
  if (modelJson.format === 'tfjs-layers') {
    const dir = path.join(runDir, modelJson.dir ?? 'model');
    if (modelJson.type === 'transformer') model = (await TransformerClassifier.loadFrom(dir)) as unknown as Model;
    else model = (schema.task === 'classification' ? await MlpClassifier.loadFrom(dir) : await MlpRegressor.loadFrom(dir)) as unknown as Model;
  } else {
    model = modelFromJSON(modelJson);
  }
  const learner = model as unknown as {
    predict(X: Matrix | readonly string[]): ArrayLike<string | number>;
    predictProba?: (X: Matrix | readonly string[]) => DenseMatrix;
  };
  return {
    schema,
    model,
    predict(features) {
      const X = pipeline.transform(features);
      const predictions = Array.from(learner.predict(X));
      if (schema.task !== 'classification' || typeof learner.predictProba !== 'function') return { predictions };
      const proba = learner.predictProba(X);
      const probabilities = Array.from({ length: proba.rows }, (_, i) => Array.from(proba.data.subarray(i * proba.cols, (i + 1) * proba.cols)));
      return { predictions, probabilities };
    },
  };
}
