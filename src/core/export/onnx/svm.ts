/**
 * svm (rbf, poly, linear kernels, one-vs-one): decision values from the kernel in standard ops,
 * libsvm's vote for the label (ties to the lower class, as mlwb), and Platt probabilities: the
 * sigmoid itself for two classes, SVMClassifier (libsvm's pairwise coupling, as mlwb) for more.
 */
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { floats, GraphBuilder, ML } from './graph';
import type { ModelOutputs } from './outputs';

interface SavedPair {
  readonly first: number;
  readonly second: number;
  readonly support: number[];
  readonly dualCoef: number[];
  readonly rho: number;
  readonly probA: number;
  readonly probB: number;
}

interface SavedSvm {
  readonly kernel: 'rbf' | 'poly' | 'linear';
  readonly degree: number;
  readonly coef0: number;
  readonly gamma_value: number;
  readonly classes: string[];
  readonly support_vectors: { kind: string; rows: number; cols: number; data?: number[] };
  readonly pairs: SavedPair[];
}

export function svmClassifier(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const svm = json as unknown as SavedSvm;
  const sv = svm.support_vectors;
  if (sv.kind !== 'dense' || !sv.data) throw new MlError('ONNX export: svm with sparse support vectors (text features) cannot be exported');
  const classes = svm.classes.map(String);
  const S = sv.rows;
  const p = sv.cols;
  const P = svm.pairs.length;
  const K = classes.length;

  // Kernel between each row and each support vector: [N, S].
  const svT = new Float64Array(p * S);
  for (let s = 0; s < S; s++) for (let j = 0; j < p; j++) svT[j * S + s] = sv.data[s * p + j] as number;
  const dots = graph.op('MatMul', [X, graph.floatConst('support_vectors_t', [p, S], svT)]);
  let kernel: string;
  if (svm.kernel === 'linear') kernel = dots;
  else if (svm.kernel === 'poly') {
    const inner = graph.op('Add', [graph.op('Mul', [dots, graph.floatConst('gamma', [], [svm.gamma_value])]), graph.floatConst('coef0', [], [svm.coef0])]);
    kernel = graph.op('Pow', [inner, graph.floatConst('degree', [], [svm.degree])]);
  } else {
    const norms = Array.from({ length: S }, (_, s) => {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += (sv.data?.[s * p + j] as number) ** 2;
      return sum;
    });
    const rowNorms = graph.op('ReduceSum', [graph.op('Mul', [X, X]), graph.int64Const('axis1', [1], [1])], { keepdims: 1 });
    const distance = graph.op('Sub', [
      graph.op('Add', [rowNorms, graph.floatConst('sv_norms', [1, S], norms)]),
      graph.op('Mul', [dots, graph.floatConst('two', [], [2])]),
    ]);
    const clipped = graph.op('Max', [distance, graph.floatConst('zero', [], [0])]);
    kernel = graph.op('Exp', [graph.op('Mul', [clipped, graph.floatConst('minus_gamma', [], [-svm.gamma_value])])]);
  }
  // Decision values per pair: [N, P] = kernel · coefficients − rho.
  const coefficients = new Float64Array(S * P);
  svm.pairs.forEach((pair, q) => pair.support.forEach((s, m) => (coefficients[s * P + q] = pair.dualCoef[m] as number)));
  const decisions = graph.op('Add', [
    graph.op('MatMul', [kernel, graph.floatConst('dual_coef', [S, P], coefficients)]),
    graph.floatConst(
      'minus_rho',
      [P],
      svm.pairs.map((pair) => -pair.rho),
    ),
  ]);

  // Votes: a positive decision is a vote for the pair's first class, otherwise for its second.
  const firsts = new Float64Array(P * K);
  const seconds = new Float64Array(P * K);
  svm.pairs.forEach((pair, q) => {
    firsts[q * K + pair.first] = 1;
    seconds[q * K + pair.second] = 1;
  });
  const positive = graph.op('Cast', [graph.op('Greater', [decisions, graph.floatConst('zero_d', [], [0])])], { to: 1 });
  const negative = graph.op('Sub', [graph.floatConst('one_d', [], [1]), positive]);
  const votes = graph.op('Add', [
    graph.op('MatMul', [positive, graph.floatConst('vote_first', [P, K], firsts)]),
    graph.op('MatMul', [negative, graph.floatConst('vote_second', [P, K], seconds)]),
  ]);
  const index = graph.op('ArgMax', [votes], { axis: 1, keepdims: 0 });
  const label = graph.op('Gather', [graph.stringConst('svm_classes', [K], classes), index], { axis: 0 });

  if (K === 2) {
    const pair = svm.pairs[0] as SavedPair;
    // P(first) = 1 / (1 + exp(A·f + B)), clipped to [1e-7, 1 − 1e-7] as libsvm.
    const z = graph.op('Add', [graph.op('Mul', [decisions, graph.floatConst('prob_a', [], [pair.probA])]), graph.floatConst('prob_b', [], [pair.probB])]);
    const first = graph.op('Clip', [
      graph.op('Sigmoid', [graph.op('Neg', [z])]),
      graph.floatConst('p_min', [], [1e-7]),
      graph.floatConst('p_max', [], [1 - 1e-7]),
    ]);
    const columns =
      pair.first === 0
        ? [first, graph.op('Sub', [graph.floatConst('one_p', [], [1]), first])]
        : [graph.op('Sub', [graph.floatConst('one_p', [], [1]), first]), first];
    return { task: 'classification', classes, probabilities: graph.op('Concat', columns, { axis: 1 }), label };
  }
  return { task: 'classification', classes, probabilities: coupledProbabilities(graph, svm, X), label };
}

/**
 * SVMClassifier in libsvm's layout (support vectors grouped by class, coefficients per opposing
 * class), whose probability output couples the pairwise Platt probabilities as libsvm does.
 */
function coupledProbabilities(graph: GraphBuilder, svm: SavedSvm, X: string): string {
  const K = svm.classes.length;
  const p = svm.support_vectors.cols;
  const data = svm.support_vectors.data as number[];
  // Each support vector's class: the sign of its coefficient in a pair (positive: the first class).
  const classOf = new Map<number, number>();
  for (const pair of svm.pairs) {
    pair.support.forEach((s, m) => {
      const c = (pair.dualCoef[m] as number) > 0 ? pair.first : (pair.dualCoef[m] as number) < 0 ? pair.second : undefined;
      if (c !== undefined) classOf.set(s, c);
    });
  }
  const order = [...classOf.keys()].sort((a, b) => (classOf.get(a) as number) - (classOf.get(b) as number) || a - b);
  const position = new Map(order.map((s, i) => [s, i]));
  const total = order.length;
  const perClass = Array.from({ length: K }, (_, c) => order.filter((s) => classOf.get(s) === c).length);
  const coefficients = new Float64Array((K - 1) * total);
  for (const pair of svm.pairs) {
    const { first: i, second: j } = pair;
    pair.support.forEach((s, m) => {
      const at = position.get(s);
      if (at === undefined) return;
      const row = classOf.get(s) === i ? j - 1 : i;
      coefficients[row * total + at] = pair.dualCoef[m] as number;
    });
  }
  const vectors = order.flatMap((s) => data.slice(s * p, (s + 1) * p));
  const kernelType = { rbf: 'RBF', poly: 'POLY', linear: 'LINEAR' }[svm.kernel];
  const [, probabilities] = graph.node(
    'SVMClassifier',
    [X],
    2,
    {
      classlabels_ints: Array.from({ length: K }, (_, c) => c),
      coefficients: floats(coefficients),
      kernel_params: floats([svm.gamma_value, svm.coef0, svm.degree]),
      kernel_type: kernelType,
      post_transform: 'NONE',
      prob_a: floats(svm.pairs.map((pair) => pair.probA)),
      prob_b: floats(svm.pairs.map((pair) => pair.probB)),
      rho: floats(svm.pairs.map((pair) => -pair.rho)),
      support_vectors: floats(vectors),
      vectors_per_class: perClass,
    },
    ML,
  ) as [string, string];
  graph.declare(probabilities, 'float', ['N', K]);
  return probabilities;
}
