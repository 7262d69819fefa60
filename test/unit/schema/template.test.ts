import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { modelTypes } from '../../../src/core/models/registry';
import { parseExperiment } from '../../../src/core/runs/experimentFile';
import { classBalance, experimentYaml, flow, validationChoices, type TemplateColumn } from '../../../src/extension/experiments/template';
import { validateSchema as validate } from './experimentSchema';

const columns: TemplateColumn[] = [
  { name: 'age', kind: 'numeric', missing: 3 },
  { name: 'city', kind: 'categorical', missing: 1 },
  { name: 'review', kind: 'text', missing: 0 },
  { name: 'label', kind: 'categorical', missing: 0 },
  { name: 'price', kind: 'numeric', missing: 0 },
];

test('every model type and validation choice gives a file that the core and the schema accept', () => {
  for (const info of modelTypes()) {
    for (const task of info.tasks) {
      for (const choice of validationChoices(task)) {
        const target = task === 'classification' ? 'label' : 'price';
        const text = experimentYaml({
          name: 'shop',
          dataPath: 'data/shop.csv',
          target,
          task,
          model: info.type,
          validation: choice.spec,
          columns,
          taskReason: 'a reason: with a colon',
        });
        const loaded = parseExperiment('/tmp/shop.experiment.yaml', text, false);
        assert.deepEqual(loaded.problems, [], `${info.type} ${task} ${choice.id}\n${text}`);
        assert.equal(validate(parse(text)), true, `${info.type} ${task} ${choice.id}: ${JSON.stringify(validate.errors)}`);
        assert.equal(loaded.experiment?.model.type, info.type);
        assert.deepEqual(loaded.experiment?.validation, choice.spec);
      }
    }
  }
});

test('the steps follow the columns: impute where values are missing, onehot, tf-idf, scaling for linear models', () => {
  const steps = (model: string): unknown =>
    parse(experimentYaml({ name: 'x', dataPath: 'x.csv', target: 'label', task: 'classification', model, validation: { method: 'kfold' }, columns })).prepare;
  assert.deepEqual(steps('logistic_regression'), [
    { impute: { strategy: 'median' } },
    { impute: { strategy: 'most_frequent', columns: ['city'] } },
    { onehot: { handle_unknown: 'ignore' } },
    { text: { column: 'review', method: 'tfidf', ngram_range: [1, 2], max_features: 20000 } },
    { scale: { method: 'standard' } },
  ]);
  assert.ok(!(steps('random_forest') as object[]).some((s) => 'scale' in s), 'trees need no scaling');
  // gradient_boosting handles missing numbers itself: only the categories are filled (onehot needs them).
  assert.deepEqual(steps('gradient_boosting'), [
    { impute: { strategy: 'most_frequent', columns: ['city'] } },
    { onehot: { handle_unknown: 'ignore' } },
    { text: { column: 'review', method: 'tfidf', ngram_range: [1, 2], max_features: 20000 } },
  ]);
  assert.deepEqual(steps('transformer'), [{ text: { column: 'review' } }]);
});

test('the search suggestion is a commented, valid search for the model', () => {
  const text = experimentYaml({
    name: 'x',
    dataPath: 'x.csv',
    target: 'label',
    task: 'classification',
    model: 'svm',
    validation: { method: 'kfold' },
    columns,
  });
  const line = text.split('\n').find((l) => l.startsWith('# search: '));
  assert.ok(line);
  const uncommented = text.replace('# search: ', 'search: ');
  assert.deepEqual(parseExperiment('/tmp/x.experiment.yaml', uncommented, false).problems, []);
  assert.equal(validate(parse(uncommented)), true, JSON.stringify(validate.errors));
});

test('names that YAML would read as something else are quoted', () => {
  assert.equal(
    flow({ a: 'yes', b: 'no: way', c: '12', d: 'plain name', e: '#tag', f: null, g: [1, 'x'] }),
    '{ a: "yes", b: "no: way", c: "12", d: plain name, e: "#tag", f: null, g: [1, x] }',
  );
  for (const name of ['on', 'True', 'a: b', 'x #y', '1e3', "it's", 'naïve', ' lead']) {
    const text = experimentYaml({
      name,
      dataPath: 'd.csv',
      target: name,
      task: 'regression',
      model: 'ridge',
      validation: { method: 'holdout' },
      columns: [
        { name, kind: 'numeric' },
        { name: 'x', kind: 'numeric' },
      ],
    });
    const value = parse(text) as { name: unknown; data: { target: unknown } };
    assert.equal(value.name, name);
    assert.equal(value.data.target, name);
  }
});

test('class balance lists the most frequent classes with their share', () => {
  const counts = [
    { value: 'setosa', count: 50 },
    { value: 'versicolor', count: 50 },
    { value: 'virginica', count: 50 },
  ];
  assert.equal(classBalance(counts, 150, 3), 'setosa 33% · versicolor 33% · virginica 33%');
  assert.equal(classBalance(counts, 150, 10, 2), 'setosa 33% · versicolor 33% · … 8 more');
});
