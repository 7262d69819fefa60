/** Parameters of the MLP (scikit-learn's MLPClassifier/MLPRegressor names), their defaults and checks. */
import { MlError } from '../types';
import { boolParam, checkKnownParams, choiceParam, intParam, numberParam, positiveParam } from './params';

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
  /** Seed used when fit() gets no `seed` option. */
  readonly random_state: number;
}

export const MLP_DEFAULTS: MlpParams = {
  hidden_layer_sizes: [100],
  activation: 'relu',
  dropout: 0,
  alpha: 0.0001,
  l1: 0,
  learning_rate_init: 0.001,
  batch_size: 'auto',
  max_iter: 200,
  early_stopping: false,
  validation_fraction: 0.1,
  n_iter_no_change: 10,
  tol: 1e-4,
  random_state: 42,
};

/** Checks names and values of user parameters and fills in the defaults. */
export function resolveMlpParams(raw: Readonly<Record<string, unknown>>): MlpParams {
  const m = 'mlp';
  checkKnownParams(m, raw, Object.keys(MLP_DEFAULTS));
  const p = { ...MLP_DEFAULTS, ...raw } as Record<keyof MlpParams, unknown>;
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
