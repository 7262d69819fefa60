/**
 * `mlwb export RUN --format onnx`: the run's fitted preparation steps and model as one ONNX graph
 * (DIR/model.onnx). Inputs: one [N, 1] tensor per feature column, named as the column (float for
 * numbers, NaN when missing; string for categories, "" when missing). Outputs: `label` and
 * `probabilities` (classifiers) or `variable` (regressors). Steps and models that ONNX cannot
 * express are refused with an MlError naming them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PipelineJSON } from '../../prepare/pipeline';
import type { RunSchema } from '../../runs/artifacts';
import { makeDirectory } from '../../runs/atomic';
import { findModelVersion } from '../../runs/versions';
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { checkExportable, type ExportResult } from '../index';
import { GraphBuilder } from './graph';
import { convertModel } from './models';
import { finishOutputs } from './outputs';
import { preparationGraph } from './steps';

export const ONNX_FILE = 'model.onnx';

/** The serialised ONNX model of a run's pipeline (pipeline.json) and model (model.json). */
export function onnxModel(
  pipeline: PipelineJSON | { type: string },
  model: EstimatorJSON & { format?: string; dir?: string },
  schema: RunSchema,
  name: string,
  modelDir?: string,
): Uint8Array {
  if (pipeline.type !== 'pipeline') {
    throw new MlError(
      `ONNX export: model type "${String(model.type)}" reads raw text (a tokenizer and a transformer network), which ONNX export does not cover`,
    );
  }
  const graph = new GraphBuilder();
  const outputNames = schema.task === 'classification' ? ['label', 'probabilities'] : ['variable'];
  const prepared = pipeline as PipelineJSON;
  for (const input of prepared.inputs) {
    if (outputNames.includes(input.name)) throw new MlError(`ONNX export: feature column "${input.name}" has the name of an output; rename the column`);
  }
  const { X, features } = preparationGraph(graph, prepared);
  for (const output of outputNames) graph.reserve(output);
  const outputs = convertModel(graph, model, X, features, modelDir);
  if (outputs.task !== schema.task) throw new MlError(`ONNX export: the model does ${outputs.task} but the run is ${schema.task}`);
  finishOutputs(graph, outputs, schema.labels);
  return graph.encode(name, `ML Workbench: ${String(model.type)} with ${prepared.steps.length} preparation step(s)`);
}

/** Writes DIR/model.onnx for a completed run (the model version `mlwb serve` would load). */
export function exportOnnx(runDir: string, outDir: string): ExportResult {
  const { from, to, record } = checkExportable(runDir, outDir);
  const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
  const schema = read<RunSchema>(path.join(from, 'schema.json'));
  const pipeline = read<PipelineJSON | { type: string }>(path.join(from, 'pipeline.json'));
  const version = findModelVersion(from, undefined);
  const modelDir = path.join(from, version.dir);
  const model = read<EstimatorJSON & { format?: string; dir?: string }>(path.join(modelDir, 'model.json'));
  const bytes = onnxModel(pipeline, model, schema, record.experiment, modelDir);
  makeDirectory(to);
  writeFileSync(path.join(to, ONNX_FILE), bytes);
  return { outDir: to, files: [ONNX_FILE] };
}
