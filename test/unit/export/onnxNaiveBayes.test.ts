import { test } from 'node:test';
import { roundTrip } from './onnxFixture';

test('ONNX: gaussian naive Bayes (3 and 2 classes) with dropDuplicates, impute and onehot', async () => {
  const prepare = [
    'prepare:',
    '  - dropDuplicates: {}',
    '  - impute: { strategy: mean }',
    '  - impute: { columns: [colour], strategy: constant, fill_value: none }',
    '  - onehot: { columns: [colour] }',
  ];
  await roundTrip('nb3', 'iris', prepare, 'model: { type: naive_bayes }', 'naive_bayes gaussian 3 classes');
  await roundTrip('nb2', 'breast_cancer', prepare, 'model: { type: naive_bayes }', 'naive_bayes gaussian 2 classes');
});

test('ONNX: multinomial naive Bayes on one-hot codes and z-score-clipped measurements', async () => {
  const prepare = [
    'prepare:',
    '  - drop: { columns: [sepal_length_cm] }',
    '  - impute: { strategy: most_frequent }',
    '  - onehot: { columns: [colour] }',
    '  - clip: { method: zscore, threshold: 2 }',
  ];
  await roundTrip('nbm', 'iris', prepare, 'model: { type: naive_bayes, params: { distribution: multinomial } }', 'naive_bayes multinomial');
});
