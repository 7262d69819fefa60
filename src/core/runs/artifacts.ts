/**
 * What a finished run keeps for serving and monitoring, beside its model: the input schema of the
 * training data (to validate requests) and a seeded sample of its feature columns (the reference
 * that drift is measured against). And the loader that turns a run folder back into a predictor.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cellAt, stringAt, type Column, type Table } from '../data/table';
import { TextColumnPipeline } from '../experiment/textPipeline';
import { modelFromJSON, type Model } from '../models/registry';
import { MlpClassifier, MlpRegressor, TransformerClassifier } from '../nn';
import { Pipeline, type PipelineJSON } from '../prepare/pipeline';
import { unreadInputs } from '../prepare/steps/drop';
import { Random } from '../random';
import type { DenseMatrix, EstimatorJSON, Matrix, Task } from '../types';
import { MlError } from '../types';
import { writeJsonAtomic } from './atomic';
import { withEncoderFolders } from './encoders';
import { findModelVersion, type ModelVersion } from './versions';

export interface RunSchema {
  readonly features: { readonly name: string; readonly kind: Column['kind'] }[];
  /** `range`: the smallest and largest target value in training (regression; absent in older runs). */
  readonly target: { readonly name: string; readonly kind: Column['kind']; readonly range?: TargetRange };
  readonly task: Task;
  /** Class labels in the model's order (classification). */
  readonly labels?: readonly string[];
}

export interface TargetRange {
  readonly min: number;
  readonly max: number;
}

/** Up to this many training rows are kept as the drift reference. */
export const REFERENCE_ROWS = 5000;

export interface ReferenceSample {
  readonly rows: number;
  /** Column name → values (numbers with null for missing, or strings with null). */
  readonly columns: Record<string, (number | string | null)[]>;
  /** The target of the same rows (absent in older runs): what an online update is checked on before feedback has come. */
  readonly target?: (number | string | null)[];
}

/** Writes schema.json and reference.json of a run. */
export function saveReference(runDir: string, features: Table, target: Column, task: Task, labels: readonly string[] | undefined, seed: number): void {
  const range = task === 'regression' && target.kind === 'numeric' ? numericRange(target.values as Float64Array) : undefined;
  const schema: RunSchema = {
    features: features.columns.map((c) => ({ name: c.name, kind: c.kind })),
    // The range bounds the values a service accepts as feedback (see serve/feedback.ts).
    target: { name: target.name, kind: target.kind, ...(range ? { range } : {}) },
    task,
    ...(labels ? { labels } : {}),
  };
  writeJsonAtomic(path.join(runDir, 'schema.json'), schema);
  const order = Array.from({ length: features.rowCount }, (_, i) => i);
  const rows =
    features.rowCount <= REFERENCE_ROWS
      ? order
      : new Random(seed)
          .shuffle(order)
          .slice(0, REFERENCE_ROWS)
          .sort((a, b) => a - b);
  const columns: ReferenceSample['columns'] = {};
  for (const column of features.columns) {
    columns[column.name] =
      column.kind === 'numeric'
        ? rows.map((i) => {
            const value = column.values[i] as number;
            return Number.isNaN(value) ? null : value;
          })
        : rows.map((i) => stringAt(column, i));
  }
  const targetValues = rows.map((i) => {
    const value = cellAt(target, i);
    return typeof value === 'number' && Number.isNaN(value) ? null : value;
  });
  writeJsonAtomic(path.join(runDir, 'reference.json'), { rows: rows.length, columns, target: targetValues } satisfies ReferenceSample);
}

/** Smallest and largest finite value; undefined when there is none. */
function numericRange(values: Float64Array): TargetRange | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : undefined;
}

/** A run's fitted pipeline and model, ready to predict on new tables. */
export interface LoadedRunModel {
  readonly schema: RunSchema;
  readonly model: Model;
  /** The model version loaded (1: the trained model; higher: online updates). */
  readonly version: ModelVersion;
  /** Feature columns the pipeline drops before reading them: requests may leave them out. */
  readonly optionalInputs: readonly string[];
  /** Prepares raw feature rows exactly as in training (the model's input). */
  prepare(features: Table): Matrix | readonly string[];
  /** Prepares raw feature rows exactly as in training and predicts. */
  predict(features: Table): { predictions: (string | number)[]; probabilities?: number[][] };
  /** Whether preparing rows needs the async forms (an embed step runs its encoder): prepareAsync and predictAsync. */
  readonly isAsync: boolean;
  /** prepare, for pipelines with asynchronous steps too (embed: the rows' texts are embedded first). */
  prepareAsync(features: Table): Promise<Matrix | readonly string[]>;
  /** predict, for pipelines with asynchronous steps too (embed: the rows' texts are embedded first). */
  predictAsync(features: Table): Promise<{ predictions: (string | number)[]; probabilities?: number[][] }>;
  /** The same pipeline and schema with another model (an online update's result). */
  withModel(model: Model, version: ModelVersion): LoadedRunModel;
}

interface PreparingPipeline {
  transform(features: Table): Matrix | readonly string[];
  /** Pipelines with asynchronous steps (embed). */
  readonly isAsync?: boolean;
  transformAsync?(features: Table): Promise<Matrix | readonly string[]>;
}

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new MlError(`${path.basename(file)} is missing in ${path.dirname(file)}: the run did not complete`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Loads the model saved in `dir` (model.json, and model/ for networks). */
export async function loadModelFiles(dir: string, task: Task): Promise<Model> {
  const modelJson = readJson<EstimatorJSON & { format?: string; dir?: string }>(path.join(dir, 'model.json'));
  if (modelJson.format !== 'tfjs-layers') return modelFromJSON(modelJson);
  const networkDir = path.join(dir, modelJson.dir ?? 'model');
  if (modelJson.type === 'transformer') return (await TransformerClassifier.loadFrom(networkDir)) as unknown as Model;
  return (task === 'classification' ? await MlpClassifier.loadFrom(networkDir) : await MlpRegressor.loadFrom(networkDir)) as unknown as Model;
}

/**
 * Loads the pipeline, schema and a version of the model that a completed run saved: the version
 * to serve (see versions.ts) unless `version` names one.
 */
export async function loadRunModel(runDir: string, version?: number): Promise<LoadedRunModel> {
  const schema = readJson<RunSchema>(path.join(runDir, 'schema.json'));
  const pipelineJson = readJson<{ type?: string }>(path.join(runDir, 'pipeline.json'));
  const pipeline: PreparingPipeline =
    pipelineJson.type === 'text_column'
      ? TextColumnPipeline.fromJSON(pipelineJson)
      : Pipeline.fromJSON(withEncoderFolders(pipelineJson as Parameters<typeof Pipeline.fromJSON>[0], runDir));
  const chosen = findModelVersion(runDir, version);
  const model = await loadModelFiles(path.join(runDir, chosen.dir), schema.task);
  const optional = pipelineJson.type === 'pipeline' ? unreadInputs((pipelineJson as PipelineJSON).steps) : [];
  return loaded(schema, pipeline, model, chosen, optional);
}

function loaded(schema: RunSchema, pipeline: PreparingPipeline, model: Model, version: ModelVersion, optionalInputs: readonly string[]): LoadedRunModel {
  const learner = model as unknown as {
    predict(X: Matrix | readonly string[]): ArrayLike<string | number>;
    predictProba?: (X: Matrix | readonly string[]) => DenseMatrix;
  };
  const predictFrom = (X: Matrix | readonly string[]): { predictions: (string | number)[]; probabilities?: number[][] } => {
    const predictions = Array.from(learner.predict(X));
    if (schema.task !== 'classification' || typeof learner.predictProba !== 'function') return { predictions };
    const proba = learner.predictProba(X);
    const probabilities = Array.from({ length: proba.rows }, (_, i) => Array.from(proba.data.subarray(i * proba.cols, (i + 1) * proba.cols)));
    return { predictions, probabilities };
  };
  const prepareAsync = async (features: Table): Promise<Matrix | readonly string[]> =>
    pipeline.transformAsync ? pipeline.transformAsync(features) : pipeline.transform(features);
  return {
    schema,
    model,
    version,
    optionalInputs,
    isAsync: pipeline.isAsync === true,
    prepare: (features) => pipeline.transform(features),
    predict: (features) => predictFrom(pipeline.transform(features)),
    prepareAsync,
    predictAsync: async (features) => predictFrom(await prepareAsync(features)),
    withModel: (next, nextVersion) => loaded(schema, pipeline, next, nextVersion, optionalInputs),
  };
}
