// What the New Experiment wizard proposes for real tables: drop for ids and names, datetime for dates,
// dropMissing for a target with gaps, from the columns' profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ColumnProfile, ColumnType } from '../../../src/core/datasets/types';
import { parseExperiment } from '../../../src/core/runs/experimentFile';
import { experimentYaml, templateColumn, type TemplateColumn } from '../../../src/extension/experiments/template';
import { validateSchema as validate } from './experimentSchema';

/** A column profile with `count` present values, `distinct` of them different, sample values and a numeric range. */
function profile(name: string, type: ColumnType, options: Partial<ColumnProfile> & { sample?: string[]; span?: [number, number] } = {}): ColumnProfile {
  const count = options.count ?? 100;
  const [min, max] = options.span ?? [0, 1];
  return {
    name,
    type,
    count,
    missing: options.missing ?? 0,
    missingRatio: 0,
    distinct: options.distinct ?? count,
    invalidCount: options.invalidCount ?? 0,
    invalidExamples: [],
    ...(type === 'integer' || type === 'float'
      ? { numeric: { min, max, mean: (min + max) / 2, std: 1, q25: min, median: (min + max) / 2, q75: max, histogram: [] } }
      : {}),
    ...(options.sample ? { topValues: options.sample.map((value) => ({ value, count: 1 })) } : {}),
  };
}

const columns = (profiles: ColumnProfile[]): TemplateColumn[] => profiles.map(templateColumn);

function prepare(cols: TemplateColumn[], model = 'logistic_regression', target = 'label'): unknown[] {
  const text = experimentYaml({ name: 'x', dataPath: 'x.csv', target, task: 'classification', model, validation: { method: 'kfold' }, columns: cols });
  assert.deepEqual(parseExperiment('/tmp/x.experiment.yaml', text, false).problems, [], text);
  assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
  return (parse(text) as { prepare: unknown[] }).prepare;
}

const label = profile('label', 'categorical', { distinct: 2, sample: ['yes', 'no'] });

test('ids are integers counting rows or short strings, all distinct over at least 20 rows', () => {
  const cols = columns([
    profile('id', 'integer', { span: [1001, 1100] }),
    profile('weight', 'integer', { span: [1500, 4800] }),
    profile('code', 'categorical', { count: 30, sample: ['AB-1', 'AB-2'] }),
    profile('title', 'text', { sample: ['the matrix', 'alien', 'blade runner'] }),
    profile('review', 'text', { sample: ['a film i would watch again any day', 'slow and long but the end is worth it'] }),
    profile('few', 'integer', { count: 12, span: [1, 12] }),
    profile('city', 'categorical', { distinct: 5, sample: ['Paris', 'Lyon'] }),
    label,
  ]);
  assert.deepEqual(
    cols.filter((c) => c.idLike).map((c) => c.name),
    ['id', 'code', 'title'],
  );
  assert.deepEqual(prepare(cols), [
    { drop: { columns: ['id', 'code', 'title'] } },
    { onehot: { handle_unknown: 'ignore' } },
    { text: { column: 'review', method: 'tfidf', ngram_range: [1, 2], max_features: 20000 } },
    { scale: { method: 'standard' } },
  ]);
});

test('date columns (DuckDB DATE/TIMESTAMP, or text that reads as dates) get datetime, and impute when cells are missing or unreadable', () => {
  const cols = columns([
    profile('day', 'date'),
    profile('stamp', 'datetime', { invalidCount: 2 }),
    profile('written', 'categorical', { distinct: 10, sample: ['2020/01/15', '2021/3/4', '2019/12/31 10:00'] }),
    profile('note', 'categorical', { distinct: 10, sample: ['soon', '2020-01-15'] }),
    label,
  ]);
  assert.deepEqual(
    cols.filter((c) => c.date).map((c) => c.name),
    ['day', 'stamp', 'written'],
  );
  assert.deepEqual(prepare(cols, 'random_forest'), [
    { datetime: { columns: ['day', 'stamp', 'written'] } },
    { impute: { strategy: 'median' } },
    { onehot: { handle_unknown: 'ignore' } },
  ]);
  // Complete dates need no impute.
  assert.deepEqual(prepare(columns([profile('day', 'date'), label]), 'random_forest'), [{ datetime: { columns: ['day'] } }]);
});

test('a target with gaps gets dropMissing on the target first, for every model', () => {
  const withGaps = profile('label', 'categorical', { distinct: 2, missing: 7, sample: ['yes', 'no'] });
  const cols = columns([
    profile('x', 'float', { distinct: 40 }),
    profile('review', 'text', { sample: ['long enough free text here', 'and more words in this one'] }),
    withGaps,
  ]);
  assert.deepEqual(prepare(cols, 'random_forest')[0], { dropMissing: { columns: ['label'] } });
  assert.deepEqual(prepare(cols, 'transformer'), [{ dropMissing: { columns: ['label'] } }, { text: { column: 'review' } }]);
  assert.ok(!JSON.stringify(prepare(columns([profile('x', 'float', { distinct: 40 }), label]))).includes('dropMissing'));
});
