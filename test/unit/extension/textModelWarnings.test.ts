import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textModelWarnings } from '../../../src/extension/experiments/textModelWarnings';

const experiment = (type: string, text: string): string =>
  [
    'name: reviews',
    'data: { path: data/reviews.csv, target: label }',
    'prepare:',
    '  - dropDuplicates: {}',
    `  - text: ${text}`,
    `model: { type: ${type} }`,
    '',
  ].join('\n');

test('a transformer after a TF-IDF text step is warned about on the step, naming the settings it does not use', () => {
  const [warning, ...rest] = textModelWarnings(experiment('transformer', '{ column: review, method: tfidf, ngram_range: [1, 2], max_features: 20000 }'));
  assert.equal(rest.length, 0);
  assert.ok(warning);
  assert.equal(warning.path, 'prepare[1].text');
  assert.equal(warning.line, 5);
  assert.match(warning.message, /^prepare\[1\]\.text: model\.type transformer reads the raw text and tokenizes it itself/);
  assert.match(warning.message, /TF-IDF settings \(method, ngram_range, max_features\) are not used\. Keep text: \{ column: review \}/);
});

test('no warning for the column alone, for a model of the TF-IDF features, or for a broken file', () => {
  assert.deepEqual(textModelWarnings(experiment('transformer', '{ column: review }')), []);
  assert.deepEqual(textModelWarnings(experiment('logistic_regression', '{ column: review, method: tfidf }')), []);
  assert.deepEqual(textModelWarnings(experiment('transfromer', '{ column: review, method: tfidf }')), []);
  assert.deepEqual(textModelWarnings('model: { type: transformer\n'), []);
});
