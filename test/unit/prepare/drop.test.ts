// drop, dropMissing with columns (and the target), and a saved pipeline replaying them on raw rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringValues, tableFromRecords, type NumericColumn, type StringColumn } from '../../../src/core/data/table';
import { withoutMissingTarget } from '../../../src/core/data/target';
import { featureSteps, leavesOutMissingTarget } from '../../../src/core/experiment/missingTarget';
import { trainExperiment } from '../../../src/core/experiment/train';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { createStep } from '../../../src/core/prepare/registry';
import { DenseMatrix, Matrix, MlError } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

const records = [
  { id: 1, name: 'ford pinto', released: '1971-02-03', weight: 2046, origin: 'USA', mpg: 25 },
  { id: 2, name: 'vw rabbit', released: '1976-10-30', weight: null, origin: 'Europe', mpg: null },
  { id: 3, name: 'datsun 510', released: 'unknown', weight: 2130, origin: 'Japan', mpg: 27 },
  { id: 4, name: 'dodge dart', released: '1974-06-17', weight: 3102, origin: 'USA', mpg: 18 },
  { id: 5, name: 'fiat 128', released: '1973-01-01', weight: 2074, origin: 'Europe', mpg: null },
];
const table = tableFromRecords(records, { kinds: { name: 'text' } });
const features = tableFromRecords(
  records.map(({ mpg: _mpg, ...rest }) => rest),
  { kinds: { name: 'text' } },
);

const dense = (m: Matrix): number[] => [...(m as DenseMatrix).data];
const isMlError = (pattern: RegExp) => (e: unknown) => e instanceof MlError && pattern.test(e.message);

test('drop removes the listed columns at fit and predict time; an unknown column is named, with a near name', () => {
  const pipeline = Pipeline.fromSpec([{ drop: { columns: ['id', 'name', 'released', 'origin'] } }, { impute: { strategy: 'median' } }]);
  const { X, featureNames } = pipeline.fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED });
  assert.deepEqual(featureNames, ['weight']);
  assert.deepEqual(dense(X), [2046, 2102, 2130, 3102, 2074]);
  assert.throws(
    () => Pipeline.fromSpec([{ drop: { columns: ['Name'] } }]).fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED }),
    isMlError(/^prepare step 1 \(drop\): column "Name" not found \(did you mean "name"\?\); columns at this step: id, name, released, weight, origin$/),
  );
  assert.throws(
    () => Pipeline.fromSpec([{ drop: { columns: ['colour'] } }]).fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED }),
    isMlError(/column "colour" not found; columns at this step/),
  );
  assert.throws(() => createStep('drop', {}), isMlError(/drop: option "columns" must list the columns to remove/));
  assert.throws(() => createStep('drop', { columns: 'id' }), isMlError(/drop: option "columns" must be a list of column names/));
});

test('dropMissing with columns looks only at those columns for rows, and drops only among them for columns', () => {
  const rows = Pipeline.fromSpec([{ dropMissing: { columns: ['weight'] } }, { drop: { columns: ['id', 'name', 'released', 'origin'] } }]);
  const fitted = rows.fitTransform(features, Float64Array.from([1, 2, 3, 4, 5]), { seed: DEFAULT_SEED });
  assert.deepEqual(dense(fitted.X), [2046, 2130, 3102, 2074]);
  assert.deepEqual([...(fitted.y as Float64Array)], [1, 3, 4, 5]);
  assert.deepEqual(rows.notes, ['dropMissing: dropped 1 row(s) with missing values']);
  // An empty list looks at nothing: every row stays (what is left of `columns: [target]` for the pipeline).
  assert.equal(
    Pipeline.fromSpec([{ dropMissing: { columns: [] } }, { drop: { columns: ['name', 'released', 'origin', 'weight'] } }]).fitTransform(
      features,
      new Float64Array(5),
      { seed: DEFAULT_SEED },
    ).X.rows,
    5,
  );
  const columns = Pipeline.fromSpec([
    { dropMissing: { axis: 'columns', threshold: 0.1, columns: ['id', 'weight'] } },
    { drop: { columns: ['name', 'released', 'origin'] } },
  ]);
  assert.deepEqual(columns.fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED }).featureNames, ['id']);
  assert.throws(
    () => Pipeline.fromSpec([{ dropMissing: { columns: ['wieght'] } }]).fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED }),
    isMlError(/prepare step 1 \(dropMissing\): column "wieght" not found/),
  );
});

test('dropMissing naming the target, or without columns, leaves out rows without a target before the split', () => {
  assert.equal(leavesOutMissingTarget([{ dropMissing: { columns: ['mpg'] } }], 'mpg'), true);
  assert.equal(leavesOutMissingTarget([{ dropMissing: {} }], 'mpg'), true);
  assert.equal(leavesOutMissingTarget([{ dropMissing: null }], 'mpg'), true);
  assert.equal(leavesOutMissingTarget([{ dropMissing: { columns: ['weight'] } }], 'mpg'), false);
  assert.equal(leavesOutMissingTarget([{ dropMissing: { axis: 'columns' } }], 'mpg'), false);
  assert.equal(leavesOutMissingTarget([{ impute: {} }], 'mpg'), false);
  assert.deepEqual(featureSteps([{ dropMissing: { columns: ['mpg', 'weight'] } }, { drop: { columns: ['id'] } }], 'mpg'), [
    { dropMissing: { columns: ['weight'] } },
    { drop: { columns: ['id'] } },
  ]);
  assert.throws(
    () => featureSteps([{ dropMissing: { axis: 'columns', columns: ['mpg'] } }], 'mpg'),
    isMlError(/the target "mpg" cannot be dropped as a column/),
  );
  const { table: kept, left } = withoutMissingTarget(table, 'mpg');
  assert.equal(left, 2);
  assert.deepEqual((kept.columns.find((c) => c.name === 'id') as NumericColumn).values, Float64Array.from([1, 3, 4]));
  assert.deepEqual(stringValues(kept.columns.find((c) => c.name === 'name') as StringColumn), ['ford pinto', 'datsun 510', 'dodge dart']);
});

test('trainExperiment counts the rows left out, and without the step names the fix', async () => {
  const big = tableFromRecords(
    Array.from({ length: 40 }, (_, i) => ({
      id: i + 1,
      released: `19${70 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}`,
      weight: 2000 + 37 * i,
      mpg: i % 8 === 3 ? null : 40 - i / 2,
    })),
  );
  const experiment = {
    data: { path: 'cars.csv', target: 'mpg' },
    prepare: [{ dropMissing: { columns: ['mpg'] } }, { drop: { columns: ['id'] } }, { datetime: { columns: ['released'] } }],
    model: { type: 'linear_regression' },
    validation: { method: 'kfold' as const, folds: 3 },
  };
  const result = await trainExperiment(experiment, big);
  assert.equal(result.missingTargetRows, 5);
  assert.equal(result.rows, 35);
  assert.deepEqual(result.featureNames, ['released_year', 'released_month', 'released_day', 'released_dayofweek', 'weight']);
  // The saved pipeline holds the target-free options: serving never looks for mpg.
  assert.deepEqual((result.pipeline.toJSON() as { steps: { options: unknown }[] }).steps[0]?.options, { columns: [] });
  await assert.rejects(
    trainExperiment({ ...experiment, prepare: experiment.prepare.slice(1) }, big),
    isMlError(/target "mpg" is missing at row 4; add `dropMissing: \{ columns: \[mpg\] \}`/),
  );
  assert.equal(
    (await trainExperiment({ ...experiment, prepare: experiment.prepare.slice(1) }, withoutMissingTarget(big, 'mpg').table)).missingTargetRows,
    undefined,
  );
});

test('a saved pipeline replays drop, datetime and dropMissing on raw rows that have no target', () => {
  const spec = [
    { dropMissing: { columns: [] } },
    { drop: { columns: ['id', 'name'] } },
    { datetime: { columns: ['released'], features: ['year', 'month', 'dayofweek', 'dayofyear'] } },
    { impute: { strategy: 'median' } },
    { onehot: {} },
  ];
  const pipeline = Pipeline.fromSpec(spec);
  const fitted = pipeline.fitTransform(features, new Float64Array(5), { seed: DEFAULT_SEED });
  const restored = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
  assert.deepEqual(restored.featureNames, fitted.featureNames);
  assert.deepEqual(dense(restored.transform(features)), dense(pipeline.transform(features)));
  // New raw rows as a service receives them: every input column, no target, a date that is not one.
  const raw = tableFromRecords([
    { id: 99, name: 'amc gremlin', released: '1975-04-01 08:30', weight: 2900, origin: 'USA' },
    { id: 100, name: 'saab 99e', released: 'n/a', weight: null, origin: 'Sweden' },
  ]);
  // 1975-04-01 was a Tuesday (1), day 91 of the year. Unparsable and missing cells take the training medians: of
  // 1971-02-03 (Wednesday, day 34), 1976-10-30 (Saturday, 304), 1974-06-17 (Monday, 168), 1973-01-01 (Monday, 1).
  assert.deepEqual(dense(restored.transform(raw)), [1975, 4, 1, 91, 2900, 0, 0, 1, 1973.5, 4, 1, 101, 2102, 0, 0, 0]);
});
