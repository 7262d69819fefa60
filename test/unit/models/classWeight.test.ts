import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClassWeight, classWeightsOf, sampleWeightsOf, type ClassWeight } from '../../../src/core/models/classWeight';
import type { LinearSvm } from '../../../src/core/models/linearSvm';
import type { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import type { Svm } from '../../../src/core/models/svm';
import { MlError, type Classifier, type DenseMatrix } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

// Figures from bench/reference/class_weight.py (scikit-learn 1.2.1).
const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'class_weight.json'), 'utf8'));

interface WeightCase {
  y: string[];
  class_weight: ClassWeight;
  classes: string[];
  weights: number[];
}

function codesOf(y: readonly string[], classes: readonly string[]): Int32Array {
  return Int32Array.from(y, (label) => classes.indexOf(label));
}

test("classWeightsOf equals scikit-learn's compute_class_weight", () => {
  const cases = reference.compute_class_weight as WeightCase[];
  assert.ok(cases.length >= 5);
  for (const { y, class_weight, classes, weights } of cases) {
    const got = classWeightsOf(class_weight, classes, codesOf(y, classes));
    assert.ok(got, JSON.stringify(class_weight));
    assert.equal(got.length, weights.length);
    weights.forEach((w, k) => assert.ok(Math.abs((got[k] as number) - w) < 1e-12, `${JSON.stringify(class_weight)} class ${classes[k]}: ${got[k]} vs ${w}`));
  }
});

test('classWeightsOf is undefined without class weights, and sampleWeightsOf gives each row its class weight', () => {
  assert.equal(classWeightsOf(null, ['a', 'b'], [0, 1]), undefined);
  assert.equal(sampleWeightsOf(undefined, [0, 1]), undefined);
  assert.deepEqual(Array.from(sampleWeightsOf(Float64Array.of(0.5, 3), [1, 0, 1]) ?? []), [3, 0.5, 3]);
});

test('a map naming a label the target lacks is an MlError naming it and the classes', () => {
  assert.throws(
    () => classWeightsOf({ Yes: 5 }, ['no', 'yes'], [0, 1]),
    (error: unknown) => error instanceof MlError && error.message.includes('"Yes"') && error.message.includes('"no", "yes"'),
  );
});

test('checkClassWeight accepts null, balanced and maps, and rejects the rest naming class_weight', () => {
  assert.equal(checkClassWeight('m', undefined), null);
  assert.equal(checkClassWeight('m', null), null);
  assert.equal(checkClassWeight('m', 'balanced'), 'balanced');
  assert.deepEqual(checkClassWeight('m', { a: 2 }), { a: 2 });
  for (const bad of ['balanced_subsample', 'auto', 3, [1, 2], { a: -1 }, { a: 'x' }, { a: Number.NaN }]) {
    assert.throws(
      () => checkClassWeight('m', bad),
      (error: unknown) => error instanceof MlError && error.message.includes("'class_weight'"),
      JSON.stringify(bad),
    );
  }
  assert.throws(
    () => checkClassWeight('m', 'balanced', 'regression'),
    (error: unknown) => error instanceof MlError && /class_weight.*classification only/.test(error.message),
  );
  assert.equal(checkClassWeight('m', null, 'regression'), null);
});

// Held-out figures of every model with class_weight null, 'balanced' and a map, on two generated
// imbalanced sets (binary about 9:1, three classes about 18:5:1), from the same script.
interface ReferenceFit {
  class_weight: ClassWeight | 'balanced_subsample';
  predictions: string[];
  rare_recall: number;
  coef?: number[][];
  intercept?: number[];
  decision?: number[] | number[][];
  proba?: number[][];
  node_count?: number;
}

interface ReferenceSet {
  X: number[][];
  y: string[];
  train: number;
  rare: string;
  models: Record<string, { params: Record<string, unknown>; fits: ReferenceFit[] }>;
}

const datasets = reference.datasets as Record<string, ReferenceSet>;

function matrix(rows: number[][]): DenseMatrix {
  return { kind: 'dense', rows: rows.length, cols: rows[0]?.length ?? 0, data: Float64Array.from(rows.flat()) };
}

interface Fitted {
  model: Classifier;
  predictions: string[];
  recall: number;
  agreement: number;
}

/** Fits our model with the fixture's parameters and class_weight on the training rows and scores the held-out ones. */
async function fitLikeReference(set: ReferenceSet, type: string, params: Record<string, unknown>, fit: ReferenceFit): Promise<Fitted> {
  const model = createModel(type, { ...params, class_weight: fit.class_weight }, 'classification') as Classifier;
  await model.fit(matrix(set.X.slice(0, set.train)), set.y.slice(0, set.train), { seed: 0 });
  const predictions = model.predict(matrix(set.X.slice(set.train)));
  const truth = set.y.slice(set.train);
  const rare = truth.filter((label) => label === set.rare).length;
  const found = predictions.filter((label, i) => label === set.rare && truth[i] === set.rare).length;
  const agreement = predictions.filter((label, i) => label === fit.predictions[i]).length / predictions.length;
  return { model, predictions, recall: found / rare, agreement };
}

function maxDifference(ours: ArrayLike<number>, theirs: readonly number[]): number {
  assert.equal(ours.length, theirs.length);
  return theirs.reduce((worst, value, i) => Math.max(worst, Math.abs((ours[i] as number) - value)), 0);
}

/** Our recall of the rare class rises with a weighting wherever scikit-learn's clearly does (by 0.05 or more). */
function checkRecallRises(label: string, fits: readonly ReferenceFit[], recalls: readonly number[]): void {
  const [unweighted, ...weighted] = fits;
  weighted.forEach((fit, k) => {
    if (fit.rare_recall - (unweighted as ReferenceFit).rare_recall < 0.05) return;
    assert.ok(
      (recalls[k + 1] as number) > (recalls[0] as number),
      `${label} ${JSON.stringify(fit.class_weight)}: rare recall ${recalls[k + 1]} vs ${recalls[0]} unweighted`,
    );
  });
}

for (const [name, set] of Object.entries(datasets)) {
  test(`logistic_regression with class_weight has scikit-learn's coefficients and predictions (${name})`, async () => {
    const { params, fits } = set.models.logistic_regression as ReferenceSet['models'][string];
    const recalls: number[] = [];
    for (const fit of fits) {
      const { model, agreement, recall } = await fitLikeReference(set, 'logistic_regression', params, fit);
      const lr = model as LogisticRegression;
      const label = `${name} ${JSON.stringify(fit.class_weight)}`;
      assert.ok(
        maxDifference(
          lr.coef.flatMap((row) => Array.from(row)),
          (fit.coef ?? []).flat(),
        ) < 2e-4,
        `${label} coef`,
      );
      assert.ok(maxDifference(lr.intercept, fit.intercept ?? []) < 2e-4, `${label} intercept`);
      assert.ok(agreement >= 0.98, `${label}: ${agreement} of predictions agree`);
      recalls.push(recall);
    }
    checkRecallRises(`logistic_regression ${name}`, fits, recalls);
  });

  test(`linear_svm with class_weight has liblinear's coefficients and predictions (${name})`, async () => {
    const { params, fits } = set.models.linear_svm as ReferenceSet['models'][string];
    const recalls: number[] = [];
    for (const fit of fits) {
      const { model, agreement, recall } = await fitLikeReference(set, 'linear_svm', params, fit);
      const svm = model as LinearSvm;
      const label = `${name} ${JSON.stringify(fit.class_weight)}`;
      assert.ok(
        maxDifference(
          (svm.coef ?? []).flatMap((row) => Array.from(row)),
          (fit.coef ?? []).flat(),
        ) < 1e-6,
        `${label} coef`,
      );
      assert.ok(maxDifference(svm.intercept ?? [], fit.intercept ?? []) < 1e-6, `${label} intercept`);
      assert.ok(agreement >= 0.98, `${label}: ${agreement} of predictions agree`);
      recalls.push(recall);
    }
    checkRecallRises(`linear_svm ${name}`, fits, recalls);
  });

  test(`svm with class_weight has libsvm's decision values and predictions (${name})`, async () => {
    const { params, fits } = set.models.svm as ReferenceSet['models'][string];
    const recalls: number[] = [];
    for (const fit of fits) {
      const { model, agreement, recall } = await fitLikeReference(set, 'svm', params, fit);
      const decisions = (model as Svm).decisionFunction(matrix(set.X.slice(set.train))).data;
      // For two classes scikit-learn's sign favours the second class, ours (libsvm's pair order) the first.
      const theirs = (fit.decision ?? []).flat().map((value) => (decisions.length === fit.predictions.length ? -value : value));
      const label = `${name} ${JSON.stringify(fit.class_weight)}`;
      assert.ok(maxDifference(decisions, theirs) < 1e-5, `${label} decision values`);
      assert.ok(agreement >= 0.98, `${label}: ${agreement} of predictions agree`);
      recalls.push(recall);
    }
    checkRecallRises(`svm ${name}`, fits, recalls);
  });

  test(`decision_tree with class_weight grows scikit-learn's tree (${name})`, async () => {
    const { params, fits } = set.models.decision_tree as ReferenceSet['models'][string];
    const recalls: number[] = [];
    for (const fit of fits) {
      const { model, agreement, recall, predictions } = await fitLikeReference(set, 'decision_tree', params, fit);
      const label = `${name} ${JSON.stringify(fit.class_weight)}`;
      if (fit.class_weight === null) {
        // Unweighted, a tie between two features may be broken the other way (sklearn's random feature order).
        assert.ok(agreement >= 0.98, `${label}: ${agreement} of predictions agree`);
      } else {
        assert.deepEqual(predictions, fit.predictions, label);
        const proba = model.predictProba(matrix(set.X.slice(set.train))).data;
        assert.ok(maxDifference(proba, (fit.proba ?? []).flat()) < 1e-12, `${label} probabilities`);
      }
      recalls.push(recall);
    }
    checkRecallRises(`decision_tree ${name}`, fits, recalls);
  });

  test(`random_forest with class_weight predicts as scikit-learn's (${name})`, async () => {
    const { params, fits } = set.models.random_forest as ReferenceSet['models'][string];
    assert.ok(fits.some((fit) => fit.class_weight === 'balanced_subsample'));
    const recalls: number[] = [];
    for (const fit of fits) {
      const { agreement, recall } = await fitLikeReference(set, 'random_forest', params, fit);
      assert.ok(agreement >= 0.98, `${name} ${JSON.stringify(fit.class_weight)}: ${agreement} of predictions agree`);
      recalls.push(recall);
    }
    checkRecallRises(`random_forest ${name}`, fits, recalls);
  });
}

test('class_weight on a regression task is an MlError naming it; null is accepted', () => {
  for (const type of ['decision_tree', 'random_forest']) {
    assert.throws(
      () => createModel(type, { class_weight: 'balanced' }, 'regression'),
      (error: unknown) => error instanceof MlError && error.message.includes("'class_weight'") && error.message.includes('classification only'),
    );
    assert.doesNotThrow(() => createModel(type, { class_weight: null }, 'regression'));
  }
  assert.throws(() => createModel('decision_tree', { class_weight: 'balanced_subsample' }, 'classification'), MlError);
});

test('a map naming a label the target lacks fails the fit, naming the label and the classes', async () => {
  const set = datasets.binary as ReferenceSet;
  for (const type of ['logistic_regression', 'linear_svm', 'svm', 'decision_tree', 'random_forest']) {
    const model = createModel(type, { class_weight: { Pos: 5 }, ...(type === 'random_forest' ? { n_estimators: 2 } : {}) }, 'classification') as Classifier;
    await assert.rejects(
      async () => model.fit(matrix(set.X.slice(0, 100)), set.y.slice(0, 100), { seed: DEFAULT_SEED }),
      (error: unknown) => error instanceof MlError && error.message.includes('"Pos"') && error.message.includes('"neg", "pos"'),
      type,
    );
  }
});

test('a saved model keeps its class_weight', async () => {
  const set = datasets.multiclass as ReferenceSet;
  for (const type of ['logistic_regression', 'linear_svm', 'svm', 'decision_tree', 'random_forest']) {
    const model = createModel(type, { class_weight: { c: 8 }, ...(type === 'random_forest' ? { n_estimators: 3 } : {}) }, 'classification') as Classifier;
    await model.fit(matrix(set.X.slice(0, 200)), set.y.slice(0, 200), { seed: 1 });
    const restored = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON()))) as Classifier;
    assert.deepEqual(JSON.parse(JSON.stringify(restored.toJSON())), JSON.parse(JSON.stringify(model.toJSON())), type);
    assert.match(JSON.stringify(restored.toJSON()), /"class_weight":\{"c":8\}/, type);
  }
});

test('a class-weighted forest grown on worker threads (n_jobs 2) equals the one grown with n_jobs 1', async () => {
  const set = datasets.multiclass as ReferenceSet;
  for (const class_weight of ['balanced', 'balanced_subsample', { c: 8 }]) {
    const [one, two] = await Promise.all(
      [1, 2].map(async (n_jobs) => {
        const model = createModel('random_forest', { n_estimators: 8, class_weight, n_jobs }, 'classification') as Classifier;
        await model.fit(matrix(set.X.slice(0, 300)), set.y.slice(0, 300), { seed: 3 });
        return JSON.stringify(model.toJSON().trees);
      }),
    );
    assert.ok(one === two, `${JSON.stringify(class_weight)}: the trees differ`);
  }
});
