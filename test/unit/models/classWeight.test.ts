import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClassWeight, classWeightsOf, sampleWeightsOf, type ClassWeight } from '../../../src/core/models/classWeight';
import { MlError } from '../../../src/core/types';

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
