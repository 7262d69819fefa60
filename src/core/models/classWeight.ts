/**
 * scikit-learn's `class_weight` shared by every classifier that takes it: null (every row counts
 * once), 'balanced' (classes weighted inversely to their frequency, as sklearn's
 * compute_class_weight) or a map label → weight. Models turn the per-class weights into what their
 * solver understands: weighted losses (logistic regression, trees) or a per-class C (SVMs).
 */
import { MlError, type Task } from '../types';
import type { ParamSpec } from './spec';

/** null | 'balanced' | { label: weight }, as sklearn's class_weight. */
export type ClassWeight = null | 'balanced' | Readonly<Record<string, number>>;

/** The forest's extra choice: 'balanced' weights computed on each tree's bootstrap sample. */
export type ForestClassWeight = ClassWeight | 'balanced_subsample';

/** The `class_weight` parameter entry that model specs reuse. */
export const CLASS_WEIGHT_PARAM: ParamSpec = {
  schema: {
    anyOf: [
      { type: 'null', description: 'Every row counts once.' },
      { type: 'string', enum: ['balanced'], description: 'Weights inversely proportional to class frequencies: n_samples / (n_classes × count).' },
      { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0 }, description: 'A weight per class label; labels left out weigh 1.' },
    ],
  },
  default: null,
  doc: "Class weights (classification): null, 'balanced' (inverse class frequency) or a map label → weight; as scikit-learn's class_weight.",
};

/** CLASS_WEIGHT_PARAM with random_forest's 'balanced_subsample' (balanced per bootstrap sample). */
export const FOREST_CLASS_WEIGHT_PARAM: ParamSpec = {
  ...CLASS_WEIGHT_PARAM,
  schema: {
    anyOf: [
      ...(CLASS_WEIGHT_PARAM.schema.anyOf ?? []),
      { type: 'string', enum: ['balanced_subsample'], description: "'balanced' computed on each tree's bootstrap sample." },
    ],
  },
  doc: "Class weights (classification): null, 'balanced', 'balanced_subsample' (balanced per bootstrap sample) or a map label → weight; as scikit-learn's class_weight.",
};

/** Checks a class_weight parameter value: null, 'balanced' or a map of finite weights > 0; on a regression task only null. */
export function checkClassWeight(model: string, value: unknown, task: Task = 'classification'): ClassWeight {
  return checkAnyClassWeight(model, value, task, false) as ClassWeight;
}

/** checkClassWeight that also allows random_forest's 'balanced_subsample'. */
export function checkForestClassWeight(model: string, value: unknown, task: Task = 'classification'): ForestClassWeight {
  return checkAnyClassWeight(model, value, task, true);
}

function checkAnyClassWeight(model: string, value: unknown, task: Task, subsample: boolean): ForestClassWeight {
  if (value === null || value === undefined) return null;
  if (task === 'regression') {
    throw new MlError(`${model}: parameter 'class_weight' applies to classification only; leave it out (or null) for regression, got ${JSON.stringify(value)}`);
  }
  const choices = subsample ? ["'balanced'", "'balanced_subsample'"] : ["'balanced'"];
  const expected = `null, ${choices.join(', ')} or a map of class label → weight`;
  if (typeof value === 'string') {
    if (value === 'balanced' || (subsample && value === 'balanced_subsample')) return value;
    throw new MlError(`${model}: parameter 'class_weight' must be ${expected}, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MlError(`${model}: parameter 'class_weight' must be ${expected}, got ${JSON.stringify(value)}`);
  }
  const weights: Record<string, number> = {};
  for (const [label, weight] of Object.entries(value)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw new MlError(
        `${model}: parameter 'class_weight' gives class ${JSON.stringify(label)} the weight ${JSON.stringify(weight)}; weights must be finite numbers > 0`,
      );
    }
    weights[label] = weight;
  }
  return weights;
}

/** Rows per class of class indices y (0 … classes − 1). */
function classCounts(classes: number, y: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < y.length; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  return counts;
}

/**
 * Per-class weights of `labels` (the sorted classes) for class indices `y`, as sklearn's
 * compute_class_weight: 'balanced' gives n_samples / (n_classes × count of the class), a map its
 * weights (labels it leaves out weigh 1), null undefined. A label of the map that is not a class is
 * an MlError naming it and the classes.
 */
export function classWeightsOf(classWeight: ClassWeight, labels: readonly string[], y: ArrayLike<number>): Float64Array | undefined {
  if (classWeight === null) return undefined;
  if (classWeight === 'balanced') {
    const counts = classCounts(labels.length, y);
    const missing = labels.filter((_, k) => counts[k] === 0);
    if (missing.length > 0) throw new MlError(`class_weight 'balanced': class ${JSON.stringify(missing[0])} has no rows`);
    return counts.map((count) => y.length / (labels.length * count));
  }
  const known = new Set(labels);
  const unknown = Object.keys(classWeight).filter((label) => !known.has(label));
  if (unknown.length > 0) {
    const names = unknown.map((label) => JSON.stringify(label)).join(', ');
    throw new MlError(
      `class_weight names ${unknown.length > 1 ? 'labels' : 'a label'} the target does not have: ${names}; its classes are ${labels.map((label) => JSON.stringify(label)).join(', ')}`,
    );
  }
  return Float64Array.from(labels, (label) => classWeight[label] ?? 1);
}

/** Per-row weights: each row's class weight (undefined when there are no class weights). */
export function sampleWeightsOf(classWeights: ArrayLike<number> | undefined, y: ArrayLike<number>): Float64Array | undefined {
  if (classWeights === undefined) return undefined;
  return Float64Array.from({ length: y.length }, (_, i) => classWeights[y[i] as number] as number);
}

/**
 * 'balanced' weights of a bootstrap sample, as sklearn's compute_sample_weight('balanced', y,
 * indices): counts are of the drawn rows (`counts[i]` draws of row i), classes not drawn weigh 0.
 */
export function subsampleClassWeights(classes: number, y: ArrayLike<number>, counts: ArrayLike<number>): Float64Array {
  const perClass = new Float64Array(classes);
  let drawn = 0;
  for (let i = 0; i < y.length; i++) {
    perClass[y[i] as number] = (perClass[y[i] as number] as number) + (counts[i] as number);
    drawn += counts[i] as number;
  }
  const present = perClass.reduce((sum, count) => sum + (count > 0 ? 1 : 0), 0);
  return perClass.map((count) => (count > 0 ? drawn / (present * count) : 0));
}
