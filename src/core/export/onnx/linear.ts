/** Linear models: LinearRegressor for the regressors, LinearClassifier for logistic regression and the linear SVM. */
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { floats, GraphBuilder, ML } from './graph';
import type { ModelOutputs } from './outputs';

function numbers(json: EstimatorJSON, field: string): number[] {
  const value = json[field];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number'))
    throw new MlError(`ONNX export: ${String(json.type)}'s saved '${field}' is not a number list`);
  return value as number[];
}

/** linear_regression, ridge, lasso, elastic_net: X·coef + intercept. */
export function linearRegressor(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const coef = numbers(json, 'coef');
  const intercept = typeof json.intercept === 'number' ? json.intercept : 0;
  const variable = graph.ml('LinearRegressor', [X], { coefficients: floats(coef), intercepts: floats([intercept]), targets: 1 }, 'float', ['N', 1]);
  return { task: 'regression', variable };
}

/**
 * logistic_regression (weights: blocks of coefficients then intercept) and linear_svm (coef rows,
 * intercept): one score row per class, or one for the second class when binary; probabilities are
 * the softmax of the scores, or the sigmoid of the one score.
 */
export function linearClassifier(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const classes = (json.classes as unknown[]).map(String);
  let rows: number[][];
  let intercepts: number[];
  if (json.type === 'logistic_regression') {
    const weights = numbers(json, 'weights');
    const p = json.n_features as number;
    const blocks = classes.length === 2 ? 1 : classes.length;
    rows = Array.from({ length: blocks }, (_, k) => weights.slice(k * (p + 1), k * (p + 1) + p));
    intercepts = Array.from({ length: blocks }, (_, k) => weights[k * (p + 1) + p] as number);
  } else {
    rows = json.coef as number[][];
    intercepts = numbers(json, 'intercept');
  }
  if (rows.length > 1) {
    // One score per class: LinearClassifier with a softmax gives mlwb's labels and probabilities.
    const [label, probabilities] = graph.node(
      'LinearClassifier',
      [X],
      2,
      {
        coefficients: floats(rows.flat()),
        intercepts: floats(intercepts),
        classlabels_strings: classes,
        post_transform: 'SOFTMAX',
      },
      ML,
    ) as [string, string];
    graph.declare(label, 'string', ['N']);
    graph.declare(probabilities, 'float', ['N', classes.length]);
    return { task: 'classification', classes, probabilities, label };
  }
  // Binary: one score for the second class; runtimes differ in how LinearClassifier widens it, so it is spelled out.
  const scores = graph.op('Add', [
    graph.op('MatMul', [X, graph.floatConst('coef', [rows[0]?.length ?? 0, 1], transpose(rows))]),
    graph.floatConst('intercept', [1], intercepts),
  ]);
  return { task: 'classification', classes, probabilities: scoresToProbabilities(graph, scores, 1) };
}

/** Softmax over class scores, or [1 − σ(s), σ(s)] for one binary score column. */
export function scoresToProbabilities(graph: GraphBuilder, scores: string, columns: number): string {
  if (columns > 1) return graph.op('Softmax', [scores], { axis: 1 });
  const positive = graph.op('Sigmoid', [scores]);
  const negative = graph.op('Sub', [graph.floatConst('one', [], [1]), positive]);
  return graph.op('Concat', [negative, positive], { axis: 1 });
}

/** Row-major p × k from k rows of p. */
export function transpose(rows: readonly (readonly number[])[]): Float64Array {
  const k = rows.length;
  const p = rows[0]?.length ?? 0;
  const out = new Float64Array(p * k);
  rows.forEach((row, c) => row.forEach((v, j) => (out[j * k + c] = v)));
  return out;
}
