/**
 * JSON Schemas of each model type's parameters, as the model files check them. Names must equal the
 * registry's `params` of the type; the schema generator throws when they drift, and a unit test
 * checks every default here against the model's own constructor.
 */
import { MLP_DEFAULTS } from '../../core/nn/mlp';
import { TRANSFORMER_DEFAULTS } from '../../core/nn/transformer';

export type JsonSchema = Record<string, unknown>;

const fitIntercept: JsonSchema = { type: 'boolean', default: true, description: 'Fit an intercept (bias) term; false when the data is already centred.' };
const C: JsonSchema = {
  type: 'number',
  exclusiveMinimum: 0,
  default: 1.0,
  examples: [0.1, 1, 10],
  description: 'Inverse regularisation strength (> 0): smaller values regularise more.',
};
const tol = (fallback: number): JsonSchema => ({ type: 'number', exclusiveMinimum: 0, default: fallback, description: 'Tolerance of the stopping criterion (> 0).' });
const maxIter = (fallback: number, what = 'iterations of the solver'): JsonSchema => ({ type: 'integer', minimum: 1, default: fallback, description: `Most ${what}.` });
const linearAlpha: JsonSchema = { type: 'number', minimum: 0, default: 1.0, examples: [0.01, 0.1, 1, 10], description: 'Regularisation strength (>= 0).' };
const selection: JsonSchema = {
  type: 'string',
  enum: ['cyclic', 'random'],
  default: 'cyclic',
  description: 'Coordinate order of coordinate descent: cyclic, or random (seeded) which often converges faster.',
};

const criterion: JsonSchema = {
  type: 'string',
  enum: ['gini', 'entropy', 'squared_error'],
  description: 'Split quality: gini (default) or entropy for classification, squared_error for regression.',
};
const maxDepth: JsonSchema = {
  type: ['integer', 'null'],
  minimum: 1,
  default: null,
  examples: [3, 5, 10],
  description: 'Deepest level of a tree (>= 1); null grows until the leaves are pure or too small.',
};
const minSamplesSplit: JsonSchema = {
  anyOf: [
    { type: 'integer', minimum: 2 },
    { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  ],
  default: 2,
  description: 'Fewest rows a node needs to be split: a count >= 2, or a fraction of the rows in (0, 1).',
};
const minSamplesLeaf: JsonSchema = {
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 },
  ],
  default: 1,
  description: 'Fewest rows in a leaf: a count >= 1, or a fraction of the rows in (0, 0.5).',
};
const maxFeatures = (fallback: string | null): JsonSchema => ({
  anyOf: [
    { enum: ['sqrt', 'log2', null] },
    { type: 'integer', minimum: 1 },
    { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  ],
  default: fallback,
  description: 'Features considered at each split: sqrt, log2, a count >= 1, a fraction in (0, 1], or null for all.',
});
const treeParams = (maxFeaturesDefault: string | null): Record<string, JsonSchema> => ({
  criterion,
  max_depth: maxDepth,
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  max_features: maxFeatures(maxFeaturesDefault),
});

const dropout: JsonSchema = { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'Dropout rate after each layer, in [0, 1).' };
const learningRate: JsonSchema = { type: 'number', exclusiveMinimum: 0, description: 'Initial learning rate of the Adam optimiser (> 0).' };
const randomState: JsonSchema = { type: 'integer', minimum: 0, description: 'Seed of the weights when the experiment has no seed.' };

const mlp: Record<keyof typeof MLP_DEFAULTS, JsonSchema> = {
  hidden_layer_sizes: {
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    examples: [[100], [64, 32]],
    description: 'Width of each hidden layer, e.g. [64, 32] for two layers.',
  },
  activation: { type: 'string', enum: ['relu', 'tanh', 'logistic'], description: 'Activation of the hidden layers.' },
  dropout,
  alpha: { type: 'number', minimum: 0, description: 'L2 penalty (>= 0), scaled as in scikit-learn.' },
  l1: { type: 'number', minimum: 0, description: 'L1 penalty on the weights (>= 0).' },
  learning_rate_init: learningRate,
  batch_size: { anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }], description: 'Rows per mini-batch; auto is min(200, rows).' },
  max_iter: { type: 'integer', minimum: 1, description: 'Epochs.' },
  early_stopping: { type: 'boolean', description: 'Hold out validation_fraction of the training rows and stop when their loss stops improving.' },
  validation_fraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'Share of training rows held out for early stopping, in [0, 1).' },
  n_iter_no_change: { type: 'integer', minimum: 1, description: 'Epochs without improvement by tol before stopping.' },
  tol: { type: 'number', minimum: 0, description: 'Smallest loss improvement that counts (>= 0).' },
  random_state: randomState,
};

const transformer: Record<keyof typeof TRANSFORMER_DEFAULTS, JsonSchema> = {
  vocab_size: { type: 'integer', minimum: 4, description: 'Most words in the vocabulary (>= 4).' },
  max_length: { type: 'integer', minimum: 2, description: 'Tokens per text including [CLS]; longer texts are cut.' },
  embed_dim: { type: 'integer', minimum: 1, description: 'Width of the token embeddings; must be divisible by num_heads.' },
  num_heads: { type: 'integer', minimum: 1, description: 'Attention heads per encoder block.' },
  ff_dim: { type: 'integer', minimum: 1, description: 'Width of the feed-forward layer of each block.' },
  num_layers: { type: 'integer', minimum: 0, description: 'Encoder blocks.' },
  dropout,
  pooling: { type: 'string', enum: ['mean', 'cls'], description: 'How token vectors become one text vector: mean over tokens, or the [CLS] token.' },
  learning_rate_init: learningRate,
  epochs: { type: 'integer', minimum: 1, description: 'Passes over the training texts.' },
  batch_size: { type: 'integer', minimum: 1, description: 'Texts per mini-batch.' },
  lowercase: { type: 'boolean', description: 'Lower-case texts before tokenising.' },
  pretrained: { type: ['string', 'null'], description: 'Folder of a saved transformer whose vocabulary and encoder are reused; null trains from scratch.' },
  freeze_encoder: { type: 'boolean', description: 'With pretrained: train only the classification head (true) or fine-tune everything (false).' },
  random_state: randomState,
};

/** Adds each default of a neural network's defaults table to its parameter schema. */
function withDefaults(schemas: Record<string, JsonSchema>, defaults: Readonly<Record<string, unknown>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, { ...schema, default: defaults[name] }]));
}

/** Parameter schemas by model type, in the order of the registry's parameter lists. */
export const MODEL_PARAM_SCHEMAS: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> = {
  linear_regression: { fit_intercept: fitIntercept },
  ridge: { alpha: linearAlpha, fit_intercept: fitIntercept },
  lasso: { alpha: linearAlpha, fit_intercept: fitIntercept, max_iter: maxIter(1000), tol: tol(1e-4), selection },
  elastic_net: {
    alpha: linearAlpha,
    l1_ratio: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Mix of L1 and L2 penalties in [0, 1]: 1 is the lasso, 0 ridge.' },
    fit_intercept: fitIntercept,
    max_iter: maxIter(1000),
    tol: tol(1e-4),
    selection,
  },
  logistic_regression: {
    penalty: { type: 'string', enum: ['l2', 'l1', 'none'], default: 'l2', description: 'Regularisation: l2, l1 (sparse weights) or none.' },
    C,
    max_iter: maxIter(100),
    tol: tol(1e-4),
    fit_intercept: fitIntercept,
  },
  linear_svm: {
    C,
    loss: { type: 'string', enum: ['hinge', 'squared_hinge'], default: 'squared_hinge', description: 'Loss of the linear SVM.' },
    max_iter: maxIter(1000),
    tol: tol(1e-4),
    fit_intercept: fitIntercept,
    intercept_scaling: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Value of the synthetic feature that carries the intercept (> 0).' },
  },
  svm: {
    C,
    kernel: { type: 'string', enum: ['rbf', 'poly', 'linear'], default: 'rbf', description: 'Kernel: rbf (default), poly or linear.' },
    gamma: {
      anyOf: [{ enum: ['scale', 'auto'] }, { type: 'number', exclusiveMinimum: 0 }],
      default: 'scale',
      examples: ['scale', 0.1],
      description: 'Kernel coefficient of rbf and poly: scale = 1 / (features · variance), auto = 1 / features, or a number > 0.',
    },
    degree: { type: 'integer', minimum: 0, default: 3, description: 'Degree of the poly kernel.' },
    coef0: { type: 'number', default: 0, description: 'Constant term of the poly kernel.' },
    tol: tol(1e-3),
    max_iter: { type: 'integer', minimum: -1, default: -1, description: 'Most solver iterations; -1 for no limit.' },
    cache_size: { type: 'number', exclusiveMinimum: 0, default: 200, description: 'Kernel cache size in MB.' },
  },
  decision_tree: treeParams(null),
  random_forest: {
    n_estimators: { type: 'integer', minimum: 1, default: 100, examples: [100, 300], description: 'Number of trees.' },
    ...treeParams('sqrt'),
    max_features: { ...maxFeatures('sqrt'), description: 'Features considered at each split: sqrt (classification default), log2, a count, a fraction in (0, 1], or null for all (regression default).' },
    bootstrap: { type: 'boolean', default: true, description: 'Grow each tree on a bootstrap sample of the rows.' },
  },
  naive_bayes: {
    distribution: {
      enum: ['multinomial', 'gaussian', null],
      default: null,
      description: 'multinomial for counts (such as text features), gaussian for measurements; null picks multinomial for sparse text features, gaussian otherwise.',
    },
    alpha: { type: 'number', minimum: 0, default: 1.0, description: 'Additive (Laplace) smoothing of the multinomial distribution (>= 0).' },
    fit_prior: { type: 'boolean', default: true, description: 'Learn class priors from the data; false uses uniform priors.' },
    var_smoothing: { type: 'number', minimum: 0, default: 1e-9, description: 'Share of the largest feature variance added to every variance (gaussian).' },
  },
  mlp: withDefaults(mlp, MLP_DEFAULTS as unknown as Record<string, unknown>),
  transformer: withDefaults(transformer, TRANSFORMER_DEFAULTS as unknown as Record<string, unknown>),
};

/** One-line descriptions of the model types (schema enum descriptions and the wizard). */
export const MODEL_DESCRIPTIONS: Readonly<Record<string, string>> = {
  linear_regression: 'Ordinary least squares; a fast, interpretable baseline.',
  ridge: 'Least squares with an L2 penalty; robust to correlated features.',
  lasso: 'Least squares with an L1 penalty; drives weak features to zero.',
  elastic_net: 'Least squares with mixed L1 and L2 penalties.',
  logistic_regression: 'Linear classifier with calibrated probabilities; a strong baseline.',
  linear_svm: 'Linear support vector machine; fast on many sparse features such as TF-IDF.',
  svm: 'Kernel support vector machine (rbf, poly, linear); strong on small and medium data.',
  decision_tree: 'A single CART tree; readable rules, prone to overfit.',
  random_forest: 'Bagged decision trees; accurate with little tuning, gives feature importances.',
  naive_bayes: 'Gaussian or multinomial naive Bayes; very fast, good for text counts.',
  mlp: 'Multi-layer perceptron (neural network) on TensorFlow.js.',
  transformer: 'Transformer encoder trained on the raw text column.',
};
