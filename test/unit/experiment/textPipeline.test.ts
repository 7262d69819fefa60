import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Table, stringColumn } from '../../../src/core/data/table';
import { TextColumnPipeline, trainExperiment } from '../../../src/core/experiment';

const words = ['good great fine', 'bad awful poor'];
const table: Table = {
  rowCount: 24,
  columns: [
    stringColumn(
      'review',
      'text',
      Array.from({ length: 24 }, (_, i) => `${words[i % 2]} item ${i}`),
    ),
    stringColumn(
      'note',
      'text',
      Array.from({ length: 24 }, () => 'n/a n/a n/a n/a'),
    ),
    stringColumn(
      'label',
      'categorical',
      Array.from({ length: 24 }, (_, i) => (i % 2 ? 'neg' : 'pos')),
    ),
  ],
};

test("the transformer is fed the text column a text step names, and the table's only text column otherwise", () => {
  const features: Table = { rowCount: 24, columns: table.columns.slice(0, 2) };
  const named = new TextColumnPipeline([{ text: { column: 'review' } }]).fitTransform(features, []);
  assert.equal(named.X[0], 'good great fine item 0');
  assert.deepEqual(named.featureNames, ['review']);
  assert.throws(() => new TextColumnPipeline([]).fitTransform(features, []), /name the text column.*2 text columns \(review, note\)/);
});

test('trainExperiment routes a transformer through the raw texts', async () => {
  const result = await trainExperiment(
    {
      data: { path: 'reviews.csv', target: 'label' },
      prepare: [{ text: { column: 'review', method: 'tfidf' } }],
      model: { type: 'transformer', params: { epochs: 2, embed_dim: 8, ff_dim: 8, max_length: 8, batch_size: 8 } },
      validation: { method: 'holdout', test_size: 0.25 },
      seed: 1,
    },
    table,
  );
  assert.equal(result.model.type, 'transformer');
  assert.deepEqual(result.featureNames, ['review']);
  assert.equal(
    (result.metrics as { confusion_matrix: number[][] }).confusion_matrix.flat().reduce((a, b) => a + b, 0),
    6,
  );
});
