/**
 * mlp: the network saved in TensorFlow.js layers format (model/model.json + weights.bin) as Gemm
 * and activation nodes; a softmax over the logits (classifier) or the standardised output scaled
 * back (regressor).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { GraphBuilder } from './graph';
import type { ModelOutputs } from './outputs';

interface TfjsModelFile {
  readonly weightsManifest: { readonly paths: string[]; readonly weights: { name: string; shape: number[]; dtype: string }[] }[];
  readonly userDefinedMetadata?: { mlwb?: EstimatorJSON };
}

const ACTIVATIONS: Readonly<Record<string, string>> = { relu: 'Relu', tanh: 'Tanh', logistic: 'Sigmoid' };

/** Weight tensors by name, read as the manifest lays them out in its files. */
function readWeights(dir: string, file: TfjsModelFile): Map<string, { shape: number[]; values: Float32Array }> {
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const group of file.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new MlError(`ONNX export: mlp weight ${w.name} is ${w.dtype}, expected float32`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + 4 * i);
      offset += 4 * count;
      weights.set(w.name, { shape: w.shape, values });
    }
  }
  return weights;
}

export function mlpNetwork(graph: GraphBuilder, json: EstimatorJSON, X: string, modelDir: string | undefined): ModelOutputs {
  if (!modelDir) throw new MlError('ONNX export: mlp needs its model folder');
  const dir = path.join(modelDir, typeof json.dir === 'string' ? json.dir : 'model');
  const modelFile = path.join(dir, 'model.json');
  if (!existsSync(modelFile)) throw new MlError(`ONNX export: ${modelFile} is missing: the mlp's network was not saved`);
  const file = JSON.parse(readFileSync(modelFile, 'utf8')) as TfjsModelFile;
  const meta = file.userDefinedMetadata?.mlwb;
  if (!meta || meta.type !== 'mlp') throw new MlError(`ONNX export: ${modelFile} is not an mlp saved by ML Workbench`);
  const params = meta.params as { hidden_layer_sizes: number[]; activation: string };
  const activation = ACTIVATIONS[params.activation];
  if (!activation) throw new MlError(`ONNX export: mlp activation "${params.activation}" has no converter`);
  const weights = readWeights(dir, file);
  const layer = (name: string, input: string): string => {
    const kernel = weights.get(`${name}/kernel`);
    const bias = weights.get(`${name}/bias`);
    if (!kernel || !bias) throw new MlError(`ONNX export: mlp layer ${name} has no saved weights`);
    return graph.op('Gemm', [
      input,
      graph.floatConst(`${name}_kernel`, kernel.shape, kernel.values),
      graph.floatConst(`${name}_bias`, bias.shape, bias.values),
    ]);
  };
  let hidden = X;
  params.hidden_layer_sizes.forEach((_, i) => (hidden = graph.op(activation, [layer(`hidden_${i}`, hidden)])));
  const output = layer('output', hidden);
  if (meta.task === 'classification') {
    const classes = (meta.classes as unknown[]).map(String);
    return { task: 'classification', classes, probabilities: graph.op('Softmax', [output], { axis: 1 }) };
  }
  const scaled = graph.op('Add', [
    graph.op('Mul', [output, graph.floatConst('y_std', [], [meta.yStd as number])]),
    graph.floatConst('y_mean', [], [meta.yMean as number]),
  ]);
  return { task: 'regression', variable: scaled };
}
