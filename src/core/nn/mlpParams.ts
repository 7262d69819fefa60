/** Parameters of the MLP (scikit-learn's MLPClassifier/MLPRegressor names), their defaults and checks. */
import { resolveParams, type ModelSpec } from '../models/spec';
import { MlError } from '../types';
import { boolParam, choiceParam, dropoutParam, intParam, learningRateParam, numberParam, positiveParam, randomStateParam } from './params';

export interface MlpParams {
  readonly hidden_layer_sizes: readonly number[];
  readonly activation: 'relu' | 'tanh' | 'logistic';
  /** Dropout rate after each hidden layer (0 = none). */
  readonly dropout: number;
  /** L2 penalty with sklearn's scaling: alpha / (2 · batch rows) · Σ‖W‖² is added to the batch loss. */
  readonly alpha: number;
  /** L1 penalty as Keras applies it: l1 · Σ|W| added to the batch loss. */
  readonly l1: number;
  readonly learning_rate_init: number;
  /** Rows per mini-batch; 'auto' is min(200, rows) as in sklearn. */
  readonly batch_size: number | 'auto';
  /** Epochs. */
  readonly max_iter: number;
  readonly early_stopping: boolean;
  readonly validation_fraction: number;
  readonly n_iter_no_change: number;
  readonly tol: number;
  /** Seed of the dropout masks of partialFit; fit takes the run's seed. */
  readonly random_state: number;
}

export const MLP_SPEC: ModelSpec = {
  type: 'mlp',
  doc: 'Multi-layer perceptron (neural network) on TensorFlow.js.',
  tasks: ['classification', 'regression'],
  input: 'matrix',
  online: true,
  needsScaling: true,
  params: {
    hidden_layer_sizes: {
      schema: { type: 'array', items: { type: 'integer', minimum: 1 } },
      default: [100],
      examples: [[100], [64, 32]],
      grid: [[64], [128, 64]],
      doc: 'Width of each hidden layer, e.g. [64, 32] for two layers.',
    },
    activation: { schema: { type: 'string', enum: ['relu', 'tanh', 'logistic'] }, default: 'relu', doc: 'Activation of the hidden layers.' },
    dropout: dropoutParam,
    alpha: { schema: { type: 'number', minimum: 0 }, default: 0.0001, grid: [0.0001, 0.001], doc: 'L2 penalty (>= 0), scaled as in scikit-learn.' },
    l1: { schema: { type: 'number', minimum: 0 }, default: 0, doc: 'L1 penalty on the weights (>= 0).' },
    learning_rate_init: learningRateParam,
    batch_size: {
      schema: { anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }] },
      default: 'auto',
      doc: 'Rows per mini-batch; auto is min(200, rows).',
    },
    max_iter: { schema: { type: 'integer', minimum: 1 }, default: 200, doc: 'Epochs.' },
    early_stopping: {
      schema: { type: 'boolean' },
      default: false,
      doc: 'Hold out validation_fraction of the training rows and stop when their loss stops improving.',
    },
    validation_fraction: {
      schema: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      default: 0.1,
      doc: 'Share of training rows held out for early stopping, in [0, 1).',
    },
    n_iter_no_change: { schema: { type: 'integer', minimum: 1 }, default: 10, doc: 'Epochs without improvement by tol before stopping.' },
    tol: { schema: { type: 'number', minimum: 0 }, default: 1e-4, doc: 'Smallest loss improvement that counts (>= 0).' },
    random_state: randomStateParam("Seeds the dropout masks of online updates (partialFit). Training takes the experiment's seed, as every model does."),
  },
  starter: { hidden_layer_sizes: [64], max_iter: 200 },
};

/** Checks names and values of user parameters and fills in the defaults. */
export function resolveMlpParams(raw: Readonly<Record<string, unknown>>): MlpParams {
  const m = 'mlp';
  const p = resolveParams(MLP_SPEC, raw) as Record<keyof MlpParams, unknown>;
  const sizes = p.hidden_layer_sizes;
  if (!Array.isArray(sizes)) throw new MlError(`mlp: hidden_layer_sizes must be a list of layer widths, got ${JSON.stringify(sizes)}`);
  sizes.forEach((s, i) => intParam(m, `hidden_layer_sizes[${i}]`, s, 1));
  return {
    hidden_layer_sizes: sizes as number[],
    activation: choiceParam(m, 'activation', p.activation, ['relu', 'tanh', 'logistic'] as const),
    dropout: numberParam(m, 'dropout', p.dropout, 0, 1),
    alpha: numberParam(m, 'alpha', p.alpha, 0),
    l1: numberParam(m, 'l1', p.l1, 0),
    learning_rate_init: positiveParam(m, 'learning_rate_init', p.learning_rate_init),
    batch_size: p.batch_size === 'auto' ? 'auto' : intParam(m, 'batch_size', p.batch_size, 1),
    max_iter: intParam(m, 'max_iter', p.max_iter, 1),
    early_stopping: boolParam(m, 'early_stopping', p.early_stopping),
    validation_fraction: numberParam(m, 'validation_fraction', p.validation_fraction, 0, 1),
    n_iter_no_change: intParam(m, 'n_iter_no_change', p.n_iter_no_change, 1),
    tol: numberParam(m, 'tol', p.tol, 0),
    random_state: intParam(m, 'random_state', p.random_state, 0),
  };
}
