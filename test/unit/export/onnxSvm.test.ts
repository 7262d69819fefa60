import { test } from 'node:test';
import { IMPUTE_ONEHOT_SCALE, roundTrip } from './onnxFixture';

test('ONNX: svm with rbf, poly and linear kernels (3 classes): vote labels and coupled Platt probabilities', async () => {
  for (const kernel of ['rbf', 'poly', 'linear']) {
    await roundTrip(`svm3${kernel}`, 'iris', IMPUTE_ONEHOT_SCALE, `model: { type: svm, params: { kernel: ${kernel} } }`, `svm ${kernel} 3 classes`);
  }
});

test('ONNX: svm (2 classes, rbf): vote labels and Platt probabilities', async () => {
  await roundTrip('svm2', 'breast_cancer', IMPUTE_ONEHOT_SCALE, 'model: { type: svm }', 'svm rbf 2 classes');
});
