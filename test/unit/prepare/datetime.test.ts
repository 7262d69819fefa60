// The datetime step against pandas' to_datetime(errors="coerce") and Series.dt, recorded by bench/reference/datetime_features.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readTable } from '../../../src/core/datasets';
import { buildColumn, isMissing } from '../../../src/core/data/infer';
import { Column, columnLength, NumericColumn, Table, tableFromRecords } from '../../../src/core/data/table';
import { frameFromTable, frameColumns } from '../../../src/core/prepare/frame';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { createStep } from '../../../src/core/prepare/registry';
import { DatetimeStep } from '../../../src/core/prepare/steps/datetime';
import { MlError } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

interface DatetimeCase {
  name: string;
  unit?: 's' | 'ms';
  values: Array<string | number | null>;
  features: Record<string, Array<number | null>>;
}

const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'datetime.json'), 'utf8')) as {
  features: string[];
  cases: DatetimeCase[];
};

/** The column as a data file would give it: text cells (missing words become null), or epoch numbers. */
function columnOf(c: DatetimeCase): Column {
  if (c.unit) return { name: c.name, kind: 'numeric', values: Float64Array.from(c.values, (v) => (v === null ? NaN : Number(v))) };
  return buildColumn(c.name, c.values, 'text');
}

function featuresOf(step: DatetimeStep, column: Column): Map<string, Float64Array> {
  const frame = step.transform(frameFromTable({ rowCount: columnLength(column), columns: [column] }));
  return new Map(frameColumns(frame).map((c) => [c.name, (c as NumericColumn).values]));
}

function assertMatchesPandas(c: DatetimeCase, got: Map<string, Float64Array>, label: string): void {
  for (const feature of reference.features) {
    const values = got.get(`${c.name}_${feature}`);
    assert.ok(values, `${label}: feature ${c.name}_${feature} made`);
    const expected = c.features[feature] as Array<number | null>;
    expected.forEach((want, i) => {
      const have = values[i] as number;
      if (want === null) assert.ok(Number.isNaN(have), `${label} ${feature}[${i}] (${JSON.stringify(c.values[i])}): NaN expected, got ${have}`);
      else assert.equal(have, want, `${label} ${feature}[${i}] (${JSON.stringify(c.values[i])})`);
    });
  }
}

for (const c of reference.cases) {
  test(`datetime features of ${c.name} cells equal pandas' dt.year/month/day/dayofweek/dayofyear/hour/minute`, () => {
    const step = new DatetimeStep({ columns: [c.name], features: reference.features, ...(c.unit ? { unit: c.unit } : {}) });
    const column = columnOf(c);
    step.fit(frameFromTable({ rowCount: c.values.length, columns: [column] }));
    assertMatchesPandas(c, featuresOf(step, column), c.name);
    // Present cells pandas could not read are the ones counted in the step's note.
    const unparsable = c.values.filter((v, i) => !isMissing(v) && c.features.year?.[i] === null).length;
    if (unparsable === 0) assert.deepEqual(step.notes, []);
    else assert.match(step.notes.join('\n'), new RegExp(`column "${c.name}": ${unparsable} value\\(s\\) are not dates and became missing`));
  });
}

test('epoch numbers written as text (a CSV read as strings) give the same features with unit', () => {
  for (const c of reference.cases.filter((x) => x.unit)) {
    const column = buildColumn(
      c.name,
      c.values.map((v) => (v === null ? null : String(v))),
      'categorical',
    );
    const step = new DatetimeStep({ columns: [c.name], features: reference.features, unit: c.unit });
    step.fit(frameFromTable({ rowCount: c.values.length, columns: [column] }));
    assertMatchesPandas(c, featuresOf(step, column), `${c.name} as text`);
  }
});

test('default features are year, month, day, dayofweek, named <column>_<feature>, in place of the column', () => {
  const table = tableFromRecords([
    { a: 1, when: '2024-02-29', b: 2 },
    { a: 2, when: '2023-12-31 08:15', b: 3 },
  ]);
  const pipeline = Pipeline.fromSpec([{ datetime: { columns: ['when'] } }]);
  const { X, featureNames } = pipeline.fitTransform(table, new Float64Array(2), { seed: DEFAULT_SEED });
  assert.deepEqual(featureNames, ['a', 'when_year', 'when_month', 'when_day', 'when_dayofweek', 'b']);
  assert.equal(X.kind, 'dense');
  // 2024-02-29 was a Thursday (3), 2023-12-31 a Sunday (6).
  assert.deepEqual([...(X.kind === 'dense' ? X.data : [])], [1, 2024, 2, 29, 3, 2, 2, 2023, 12, 31, 6, 3]);
});

test('unparsable dates become missing, which an impute step after datetime fills', () => {
  const table = tableFromRecords([{ when: '2020-01-01' }, { when: 'soon' }, { when: '2020-01-03' }, { when: null }], { kinds: { when: 'categorical' } });
  const pipeline = Pipeline.fromSpec([{ datetime: { columns: ['when'], features: ['day'] } }, { impute: { strategy: 'mean' } }]);
  const { X } = pipeline.fitTransform(table, new Float64Array(4), { seed: DEFAULT_SEED });
  assert.deepEqual([...(X.kind === 'dense' ? X.data : [])], [1, 2, 3, 2]);
  assert.deepEqual(pipeline.notes, ['datetime: column "when": 1 value(s) are not dates and became missing (first at row 2: "soon")']);
  // Without impute, the missing values are named with the fix.
  assert.throws(
    () => Pipeline.fromSpec([{ datetime: { columns: ['when'], features: ['day'] } }]).fitTransform(table, new Float64Array(4), { seed: DEFAULT_SEED }),
    (e: unknown) => e instanceof MlError && /column "when_day" still has 2 missing value\(s\).*impute/.test(e.message),
  );
});

test('bad datetime options and columns are errors that name them', () => {
  const table: Table = tableFromRecords([
    { when: 'tomorrow', stamp: 1700000000, city: 'Paris' },
    { when: 'later', stamp: 1700086400, city: 'Lyon' },
  ]);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /datetime: option "columns" must list the date columns/],
    [{ columns: ['stamp'], features: ['week'] }, /option "features" must be a list of year, month, day, dayofweek, dayofyear, hour, minute, got \["week"\]/],
    [{ columns: ['stamp'], features: ['year', 'year'] }, /names a feature twice/],
    [{ columns: ['stamp'], unit: 'us' }, /option "unit" must be one of "s", "ms", got "us"/],
    [{ columns: ['stamp'], format: '%Y' }, /unknown option "format"/],
    [{ columns: ['stamp', 'stamp'], unit: 's' }, /column "stamp" is listed twice/],
  ];
  for (const [options, message] of cases)
    assert.throws(
      () => createStep('datetime', options),
      (e: unknown) => e instanceof MlError && message.test(e.message),
    );
  const fit = (options: Record<string, unknown>): void =>
    void Pipeline.fromSpec([{ datetime: options }, { drop: { columns: ['city'] } }]).fitTransform(table, new Float64Array(2), { seed: DEFAULT_SEED });
  assert.throws(() => fit({ columns: ['Stamp'], unit: 's' }), /prepare step 1 \(datetime\): column "Stamp" not found \(did you mean "stamp"\?\)/);
  assert.throws(() => fit({ columns: ['stamp'] }), /column "stamp" is numeric; if it holds epoch times add unit: s/);
  assert.throws(() => fit({ columns: ['when'] }), /column "when" holds no date the step can read \(row 1: "tomorrow"\)/);
  // Epoch seconds with the unit work.
  const pipeline = Pipeline.fromSpec([
    { datetime: { columns: ['stamp'], unit: 's', features: ['year', 'month', 'day', 'hour'] } },
    { drop: { columns: ['when', 'city'] } },
  ]);
  const { X } = pipeline.fitTransform(table, new Float64Array(2), { seed: DEFAULT_SEED });
  assert.deepEqual([...(X.kind === 'dense' ? X.data : [])], [2023, 11, 14, 22, 2023, 11, 15, 22]);
});

test('DuckDB DATE and TIMESTAMP columns of a parquet file reach the step as DuckDB prints them, and parse', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'mlwb-dates-'));
  const file = join(folder, 'dates.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT * FROM (VALUES (DATE '2020-01-15', TIMESTAMP '2021-03-04 05:06:07.5', TIMESTAMPTZ '2022-06-30 12:00:00+00', 1.0),
       (DATE '2024-02-29', TIMESTAMP '1999-12-31 23:59:00', NULL, 2.0)) v(d, t, tz, y)) TO '${file}' (FORMAT parquet)`,
  );
  connection.closeSync();
  const table = await readTable(file);
  assert.deepEqual(
    table.columns.map((c) => c.kind),
    ['categorical', 'categorical', 'categorical', 'numeric'],
  );
  const features = ['year', 'month', 'day', 'dayofweek', 'dayofyear', 'hour', 'minute'];
  const pipeline = Pipeline.fromSpec([{ datetime: { columns: ['d', 't', 'tz'], features } }, { impute: { strategy: 'median' } }]);
  const { X } = pipeline.fitTransform({ rowCount: 2, columns: table.columns.slice(0, 3) }, new Float64Array(2), { seed: DEFAULT_SEED });
  assert.deepEqual(pipeline.notes, []);
  const rows = X.kind === 'dense' ? [[...X.data.subarray(0, 21)], [...X.data.subarray(21, 42)]] : [];
  // 2020-01-15 was a Wednesday (2), 2021-03-04 a Thursday (3), 2024-02-29 a Thursday (3), 1999-12-31 a Friday (4).
  assert.deepEqual(rows[0]?.slice(0, 14), [2020, 1, 15, 2, 15, 0, 0, 2021, 3, 4, 3, 63, 5, 6]);
  assert.deepEqual(rows[1]?.slice(0, 14), [2024, 2, 29, 3, 60, 0, 0, 1999, 12, 31, 4, 365, 23, 59]);
  // TIMESTAMPTZ prints in the session's time zone with its offset; the row without one takes the median.
  assert.equal(rows[0]?.[14], 2022);
  assert.deepEqual(rows[1]?.slice(14), rows[0]?.slice(14));
});
