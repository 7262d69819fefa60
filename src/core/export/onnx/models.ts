/** One converter per model family, chosen by the saved model's type. */
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import type { GraphBuilder } from './graph';
import { linearClassifier, linearRegressor } from './linear';
import type { ModelOutputs } from './outputs';
import { mlpNetwork } from './mlp';
import { naiveBayesClassifier } from './naiveBayes';
import { svmClassifier } from './svm';
import { boostedEnsemble, cartEnsemble } from './trees';

type ModelConverter = (graph: GraphBuilder, json: EstimatorJSON, X: string, modelDir: string | undefined) => ModelOutputs;

const CONVERTERS: Readonly<Record<string, ModelConverter>> = {
  linear_regression: linearRegressor,
  ridge: linearRegressor,
  lasso: linearRegressor,
  elastic_net: linearRegressor,
  logistic_regression: linearClassifier,
  linear_svm: linearClassifier,
  decision_tree: cartEnsemble,
  random_forest: cartEnsemble,
  gradient_boosting: boostedEnsemble,
  svm: svmClassifier,
  naive_bayes: naiveBayesClassifier,
  mlp: mlpNetwork,
};

/** Model types ONNX export refuses, with the reason. */
const REFUSED: Readonly<Record<string, string>> = {
  transformer: 'its tokenizer and network are not expressible in this graph',
  knn: 'its neighbours are decided by float64 distances, where near-ties between training rows are common; a float32 graph could pick other neighbours and so other votes',
};

/** The model's part of the graph, reading X [N, features]. */
export function convertModel(graph: GraphBuilder, json: EstimatorJSON, X: string, features: number, modelDir?: string): ModelOutputs {
  const type = String(json.type);
  const refused = REFUSED[type];
  if (refused) throw new MlError(`ONNX export: model type "${type}" cannot be exported to ONNX: ${refused}`);
  const converter = CONVERTERS[type];
  if (!converter) throw new MlError(`ONNX export: model type "${type}" cannot be exported to ONNX: no converter for it`);
  if (typeof json.n_features === 'number' && json.n_features !== features) {
    throw new MlError(`ONNX export: the model reads ${json.n_features} features but the preparation graph gives ${features}`);
  }
  return converter(graph, json, X, modelDir);
}
