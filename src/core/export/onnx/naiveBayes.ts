/** naive_bayes: the joint log-likelihood per class in standard ops, then a softmax (mlwb's log-sum-exp normalisation). */
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { GraphBuilder } from './graph';
import { transpose } from './linear';
import type { ModelOutputs } from './outputs';

export function naiveBayesClassifier(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const classes = (json.classes as unknown[]).map(String);
  const K = classes.length;
  const d = json.n_features as number;
  const prior = json.class_log_prior as number[];
  let jll: string;
  if (json.distribution === 'multinomial') {
    const flp = json.feature_log_prob as number[];
    const rows = Array.from({ length: K }, (_, k) => flp.slice(k * d, (k + 1) * d));
    jll = graph.op('Add', [
      graph.op('MatMul', [X, graph.floatConst('feature_log_prob_t', [d, K], transpose(rows))]),
      graph.floatConst('class_log_prior', [K], prior),
    ]);
  } else if (json.distribution === 'gaussian') {
    const theta = json.theta as number[];
    const variance = json.var as number[];
    // log P(k) − ½ Σ log(2π σ²) per class, and the quadratic term from [N, 1, d] − [K, d].
    const constant = prior.map((logPrior, k) => {
      let logNorm = 0;
      for (let j = 0; j < d; j++) logNorm += Math.log(2 * Math.PI * (variance[k * d + j] as number));
      return logPrior - 0.5 * logNorm;
    });
    const rows = graph.op('Unsqueeze', [X, graph.int64Const('axis1', [1], [1])]);
    const diff = graph.op('Sub', [rows, graph.floatConst('theta', [K, d], theta)]);
    const scaled = graph.op('Div', [graph.op('Mul', [diff, diff]), graph.floatConst('var', [K, d], variance)]);
    const quad = graph.op('ReduceSum', [scaled, graph.int64Const('axis2', [1], [2])], { keepdims: 0 });
    jll = graph.op('Add', [graph.op('Mul', [quad, graph.floatConst('minus_half', [], [-0.5])]), graph.floatConst('class_constant', [K], constant)]);
  } else {
    throw new MlError(`ONNX export: naive_bayes with distribution ${String(json.distribution)} has no converter`);
  }
  // The label is the argmax of the joint log-likelihood, which the softmax keeps.
  return { task: 'classification', classes, probabilities: graph.op('Softmax', [jll], { axis: 1 }) };
}
