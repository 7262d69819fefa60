import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateExperiment } from '../../../src/core/experiment/experiment';

const base = { name: 'iris', data: { path: 'iris.csv', target: 'species' }, model: { type: 'logistic_regression' } };

test('a misspelt model type is answered with the closest type, before the list of all', () => {
  const [problem] = validateExperiment({ ...base, model: { type: 'random_forrest' } });
  assert.match(problem ?? '', /^model\.type: "random_forrest" is not a model type \(did you mean "random_forest"\?\); known types: linear_regression/);
  const [wrongCase] = validateExperiment({ ...base, model: { type: 'Logistic_Regression' } });
  assert.match(wrongCase ?? '', /\(did you mean "logistic_regression"\?\)/);
});

test('a name close to no model type gets no guess, and a misspelt step gets one', () => {
  const [far] = validateExperiment({ ...base, model: { type: 'gbm' } });
  assert.doesNotMatch(far ?? '', /did you mean/);
  const [step] = validateExperiment({ ...base, prepare: [{ scael: {} }] });
  assert.match(step ?? '', /^prepare\[0\]\.scael: unknown step \(did you mean "scale"\?\); known steps: /);
});
