/** Validation of the CART parameters shared by decision trees and random forests (scikit-learn names). */
import { MlError, type Task } from '../../types';
import { CLASS_WEIGHT_PARAM, type ForestClassWeight } from '../classWeight';
import type { ParamSpec } from '../spec';

export type Criterion = 'gini' | 'entropy' | 'squared_error';
/**
 * scikit-learn's `max_features`: a name, a count, a fraction of the features, or null for all.
 * JavaScript cannot tell 1 from 1.0, so 1 means all features (scikit-learn's 1.0), not one.
 */
export type MaxFeatures = 'sqrt' | 'log2' | number | null;

export interface TreeParams {
  readonly criterion: Criterion;
  readonly max_depth: number | null;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  readonly max_features: MaxFeatures;
  /** Checked by each model (a forest also takes 'balanced_subsample'); null for regression. */
  readonly class_weight: ForestClassWeight;
}

/** The parameters resolved to absolute counts for one training set. */
export interface GrowParams {
  readonly criterion: Criterion;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: number;
}

/** The split criteria each task allows; the first is its default. */
const CRITERIA: Readonly<Record<Task, readonly Criterion[]>> = { classification: ['gini', 'entropy'], regression: ['squared_error'] };

const maxFeaturesSchema = {
  anyOf: [{ enum: ['sqrt', 'log2', null] }, { type: 'integer', minimum: 1 }, { type: 'number', exclusiveMinimum: 0, maximum: 1 }],
} as const;

/** The CART parameters shared by decision trees and random forests, as their specs list them. */
export const TREE_PARAM_SPECS: Readonly<Record<keyof TreeParams, ParamSpec>> = {
  criterion: {
    schema: { type: 'string', enum: ['gini', 'entropy', 'squared_error'] },
    taskDefaults: { classification: 'gini', regression: 'squared_error' },
    taskValues: CRITERIA,
    doc: 'Split quality: gini (default) or entropy for classification, squared_error for regression.',
  },
  max_depth: {
    schema: { type: ['integer', 'null'], minimum: 1 },
    default: null,
    examples: [3, 5, 10],
    grid: [3, 5, 10, null],
    doc: 'Deepest level of a tree (>= 1); null grows until the leaves are pure or too small.',
  },
  min_samples_split: {
    schema: {
      anyOf: [
        { type: 'integer', minimum: 2 },
        { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      ],
    },
    default: 2,
    doc: 'Fewest rows a node needs to be split: a count >= 2, or a fraction of the rows in (0, 1).',
  },
  min_samples_leaf: {
    schema: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 },
      ],
    },
    default: 1,
    doc: 'Fewest rows in a leaf: a count >= 1, or a fraction of the rows in (0, 0.5).',
  },
  max_features: {
    schema: maxFeaturesSchema,
    default: null,
    doc: 'Features considered at each split: sqrt, log2, a count >= 1, a fraction in (0, 1], or null for all.',
  },
  class_weight: CLASS_WEIGHT_PARAM,
};

/** Throws MlError naming `owner.name` unless the tree parameters are valid for the task. */
export function validateTreeParams(owner: string, params: TreeParams, classification: boolean): void {
  const { criterion, max_depth, min_samples_split, min_samples_leaf, max_features } = params;
  const allowed = CRITERIA[classification ? 'classification' : 'regression'];
  if (!allowed.includes(criterion)) {
    throw new MlError(`${owner}: criterion must be one of ${allowed.join(', ')}, got ${String(criterion)}`);
  }
  if (max_depth !== null && !(Number.isInteger(max_depth) && max_depth >= 1)) {
    throw new MlError(`${owner}: max_depth must be an integer >= 1 or null, got ${String(max_depth)}`);
  }
  if (!isCountOrFraction(min_samples_split, 2, false)) {
    throw new MlError(`${owner}: min_samples_split must be an integer >= 2 or a fraction in (0, 1], got ${String(min_samples_split)}`);
  }
  if (!isCountOrFraction(min_samples_leaf, 1, true)) {
    throw new MlError(`${owner}: min_samples_leaf must be an integer >= 1 or a fraction in (0, 0.5), got ${String(min_samples_leaf)}`);
  }
  const namedOk = max_features === null || max_features === 'sqrt' || max_features === 'log2';
  const numberOk = typeof max_features === 'number' && (Number.isInteger(max_features) ? max_features >= 1 : max_features > 0 && max_features <= 1);
  if (!namedOk && !numberOk) {
    throw new MlError(`${owner}: max_features must be 'sqrt', 'log2', an integer >= 1, a fraction in (0, 1] or null, got ${String(max_features)}`);
  }
}

// Like scikit-learn, an integral number is a count and a non-integral one a fraction of the rows.
function isCountOrFraction(value: unknown, minCount: number, leaf: boolean): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (Number.isInteger(value) && value >= minCount) return true;
  return !Number.isInteger(value) && value > 0 && (leaf ? value < 0.5 : value <= 1);
}

/** Resolves fractions and names to counts for `rows` training rows of `cols` features. */
export function resolveGrowParams(owner: string, params: TreeParams, rows: number, cols: number): GrowParams {
  const minSamplesLeaf = Number.isInteger(params.min_samples_leaf) ? params.min_samples_leaf : Math.ceil(params.min_samples_leaf * rows);
  const minSamplesSplitRaw = Number.isInteger(params.min_samples_split) ? params.min_samples_split : Math.max(2, Math.ceil(params.min_samples_split * rows));
  const mf = params.max_features;
  let maxFeatures: number;
  if (mf === null) maxFeatures = cols;
  else if (mf === 'sqrt') maxFeatures = Math.max(1, Math.floor(Math.sqrt(cols)));
  else if (mf === 'log2') maxFeatures = Math.max(1, Math.floor(Math.log2(cols)));
  else if (Number.isInteger(mf) && mf !== 1) maxFeatures = mf;
  else maxFeatures = Math.max(1, Math.floor(mf * cols));
  if (maxFeatures > cols) {
    throw new MlError(`${owner}: max_features is ${String(mf)} but the data has only ${cols} features`);
  }
  return {
    criterion: params.criterion,
    maxDepth: params.max_depth ?? Infinity,
    // scikit-learn splits no node that could not give both children min_samples_leaf rows.
    minSamplesSplit: Math.max(minSamplesSplitRaw, 2 * minSamplesLeaf),
    minSamplesLeaf,
    maxFeatures,
  };
}
