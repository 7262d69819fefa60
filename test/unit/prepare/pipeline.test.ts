import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromRecords, Table, type NumericColumn } from '../../../src/core/data/table';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { CancelledError, CsrMatrix, DenseMatrix, Matrix, MlError } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

const records = [
  { age: 31, income: 50, city: 'Paris', review: 'great product would buy again', score: '1' },
  { age: null, income: 62, city: 'Lyon', review: 'did not work at all sadly', score: '2' },
  { age: 45, income: 58, city: 'Paris', review: 'works great and ships fast', score: 'x' },
  { age: 52, income: null, city: 'Nice', review: 'broken on arrival, do not buy', score: '4' },
  { age: 38, income: 71, city: 'Lyon', review: 'fine product for the money', score: '5' },
  { age: 38, income: 71, city: 'Lyon', review: 'fine product for the money', score: '5' },
];
const table = tableFromRecords(records, { kinds: { score: 'categorical' } });
const labels = ['pos', 'neg', 'pos', 'neg', 'pos', 'pos'];

const spec = [
  { dropDuplicates: {} },
  { coerce: { columns: { score: 'number' } } },
  { impute: { strategy: 'median' } },
  { clip: { method: 'zscore', threshold: 2 } },
  { text: { column: 'review', method: 'tfidf', ngram_range: [1, 2], stop_words: 'english' } },
  { onehot: { columns: ['city'] } },
  { scale: { method: 'standard' } },
];

function row(m: Matrix, i: number): number[] {
  if (m.kind === 'dense') return [...m.data.subarray(i * m.cols, (i + 1) * m.cols)];
  const out = new Array<number>(m.cols).fill(0);
  for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) out[m.indices[k]!] = m.values[k]!;
  return out;
}

function assertMlError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MlError, `expected MlError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a full spec prepares mixed data into CSR with named features, dropping duplicate rows and their targets', () => {
  const pipeline = Pipeline.fromSpec(spec);
  const { X, y, featureNames } = pipeline.fitTransform(table, labels, { seed: DEFAULT_SEED });
  assert.equal(X.kind, 'csr');
  assert.equal(X.rows, 5);
  assert.deepEqual(y, labels.slice(0, 5));
  assert.equal(featureNames.length, X.cols);
  assert.deepEqual(featureNames.slice(0, 2), ['age', 'income']);
  assert.ok(featureNames.includes('review:great product'));
  assert.deepEqual(
    featureNames.filter((n) => n.startsWith('city_')),
    ['city_Lyon', 'city_Nice', 'city_Paris'],
  );
  assert.ok(pipeline.notes.some((n) => /dropped 1 duplicate/.test(n)));
  assert.ok(
    pipeline.notes.some((n) => /1 value\(s\) of column "score".*"x" \(row 3\)/.test(n)),
    pipeline.notes.join('\n'),
  );
  // Predict time: every row is kept, unknown city and unseen words do not crash.
  const fresh = tableFromRecords([{ age: 40, income: 60, city: 'Tokyo', review: 'zebra unseen words', score: '3' }]);
  const Xnew = pipeline.transform(fresh);
  assert.equal(Xnew.rows, 1);
  const cityColumns = featureNames.flatMap((n, j) => (n.startsWith('city_') ? [j] : []));
  assert.deepEqual(
    cityColumns.map((j) => row(Xnew, 0)[j]),
    [0, 0, 0],
  );
});

test('toJSON / fromJSON round trip gives identical transforms', () => {
  const pipeline = Pipeline.fromSpec([...spec, { select: { method: 'pca', components: 3 } }]);
  pipeline.fitTransform(table, labels, { seed: DEFAULT_SEED });
  const restored = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
  const a = pipeline.transform(table) as DenseMatrix;
  const b = restored.transform(table) as DenseMatrix;
  assert.equal(a.kind, 'dense');
  assert.equal(a.cols, 3);
  assert.deepEqual([...b.data], [...a.data]);
  assert.deepEqual(restored.featureNames, ['pca1', 'pca2', 'pca3']);
});

test('statistics are fitted on the training rows only', () => {
  const train: Table = { rowCount: 4, columns: [{ name: 'v', kind: 'numeric', values: Float64Array.from([1, 2, 3, NaN]) }] };
  const holdout: Table = { rowCount: 2, columns: [{ name: 'v', kind: 'numeric', values: Float64Array.from([1000, NaN]) }] };
  const pipeline = Pipeline.fromSpec([{ impute: { strategy: 'mean' } }, { scale: { method: 'minmax' } }]);
  const { X } = pipeline.fitTransform(train, new Float64Array(4), { seed: DEFAULT_SEED });
  assert.deepEqual([...(X as DenseMatrix).data], [0, 0.5, 1, 0.5]);
  // 1000 is scaled with the training min/max (1..3) and the NaN filled with the training mean (2).
  assert.deepEqual([...(pipeline.transform(holdout) as DenseMatrix).data], [(1000 - 1) / 2, 0.5]);
  // Transforming the hold-out rows did not refit anything.
  assert.deepEqual([...(pipeline.transform(train) as DenseMatrix).data], [0, 0.5, 1, 0.5]);
});

test('dropMissing drops training rows (and targets) at fit and no rows at predict time; columns by threshold', () => {
  const t = tableFromRecords([
    { a: 1, b: null },
    { a: 2, b: 5 },
    { a: null, b: 6 },
    { a: 4, b: 7 },
  ]);
  const rows = Pipeline.fromSpec([{ dropMissing: {} }]);
  const { X, y } = rows.fitTransform(t, Float64Array.from([10, 20, 30, 40]), { seed: DEFAULT_SEED });
  assert.equal(X.rows, 2);
  assert.deepEqual([...(y as Float64Array)], [20, 40]);
  assertMlError(() => rows.transform(t), /column "a" still has 1 missing value\(s\) \(first at row 3\); add `impute/);
  const sparse = tableFromRecords([
    { a: 1, b: null },
    { a: 2, b: null },
    { a: null, b: 6 },
    { a: 4, b: 7 },
  ]);
  const cols = Pipeline.fromSpec([{ dropMissing: { axis: 'columns', threshold: 0.3 } }, { impute: {} }]);
  assert.deepEqual(cols.fitTransform(sparse, new Float64Array(4), { seed: DEFAULT_SEED }).featureNames, ['a']);
  assert.equal(cols.transform(sparse).cols, 1);
});

test('NaN left after preparation is an error naming the column and the step to add', () => {
  const t = tableFromRecords([
    { a: 1, b: 2 },
    { a: null, b: 3 },
  ]);
  assertMlError(
    () => Pipeline.fromSpec([{ scale: {} }]).fitTransform(t, new Float64Array(2), { seed: DEFAULT_SEED }),
    /prepare: column "a" still has 1 missing value\(s\) \(first at row 2\); add `impute: \{ columns: \[a\] \}`/,
  );
  const fitted = Pipeline.fromSpec([{ scale: {} }]);
  fitted.fitTransform(
    tableFromRecords([
      { a: 1, b: 2 },
      { a: 3, b: 3 },
    ]),
    new Float64Array(2),
    { seed: DEFAULT_SEED },
  );
  assertMlError(() => fitted.transform(t), /column "a" still has 1 missing/);
});

test('infinite values before scale are named as infinite, with clip as the step to add, also after impute', () => {
  const t = tableFromRecords([
    { a: 1, b: 2 },
    { a: Infinity, b: 3 },
    { a: null, b: 4 },
    { a: -Infinity, b: 5 },
  ]);
  // Before: "column "a" still has 2 missing value(s) … add impute", with impute already there.
  assertMlError(
    () => Pipeline.fromSpec([{ impute: { strategy: 'median' } }, { scale: {} }]).fitTransform(t, new Float64Array(4), { seed: DEFAULT_SEED }),
    /^prepare step 1 \(impute\): column "a" holds 2 infinite value\(s\), which make its median NaN and which impute does not replace; add `clip: \{ columns: \[a\] \}` before impute, or fix the data$/,
  );
  const filled = tableFromRecords([
    { a: 1, b: 2 },
    { a: 2, b: 3 },
    { a: null, b: 4 },
    { a: 3, b: 5 },
    { a: Infinity, b: 6 },
  ]);
  for (const steps of [[{ impute: { strategy: 'median' } }, { scale: {} }], [{ scale: { method: 'minmax' } }]]) {
    assertMlError(
      () => Pipeline.fromSpec(steps).fitTransform(filled, new Float64Array(5), { seed: DEFAULT_SEED }),
      /^prepare step \d \(scale\): column "a" holds 1 infinite value\(s\), which impute does not replace; add `clip: \{ columns: \[a\] \}` before scale, or fix the data$/,
    );
  }
  assertMlError(
    () => Pipeline.fromSpec([{ impute: { strategy: 'mean' } }]).fitTransform(t, new Float64Array(4), { seed: DEFAULT_SEED }),
    /^prepare step 1 \(impute\): column "a" holds 2 infinite value\(s\), which make its mean NaN and which impute does not replace; add `clip: \{ columns: \[a\] \}` before impute/,
  );
  // A median between finite values fills the gap; the infinity left is then named as such.
  assertMlError(
    () => Pipeline.fromSpec([{ impute: { strategy: 'median' } }]).fitTransform(filled, new Float64Array(5), { seed: DEFAULT_SEED }),
    /column "a" holds 1 infinite value\(s\) .*add `clip/,
  );
});

test('categorical or text columns left unencoded are errors that name the step to add', () => {
  assertMlError(
    () => Pipeline.fromSpec([]).fitTransform(table, labels, { seed: DEFAULT_SEED }),
    /column "city" is categorical and no step encodes it; add `onehot: \{ columns: \[city\] \}`/,
  );
  assertMlError(
    () => Pipeline.fromSpec([{ onehot: {} }, { impute: {} }]).fitTransform(table, labels, { seed: DEFAULT_SEED }),
    /column "review" is text .* add `text: \{ column: review \}`/,
  );
});

test('a column missing at predict time is named', () => {
  const pipeline = Pipeline.fromSpec([{ impute: {} }]);
  pipeline.fitTransform(tableFromRecords([{ a: 1, b: 2 }]), new Float64Array(1), { seed: DEFAULT_SEED });
  assertMlError(() => pipeline.transform(tableFromRecords([{ a: 1 }])), /column "b" is missing from the input/);
  assertMlError(
    () => Pipeline.fromSpec([{ scale: { columns: ['zz'] } }]).fitTransform(table, labels, { seed: DEFAULT_SEED }),
    /prepare step 1 \(scale\): column "zz" not found/,
  );
  assertMlError(
    () => Pipeline.fromSpec([{ scale: { columns: ['city'] } }]).fitTransform(table, labels, { seed: DEFAULT_SEED }),
    /prepare step 1 \(scale\): column "city" is categorical/,
  );
});

test('bad step names and options name the index, step and option', () => {
  assertMlError(() => Pipeline.fromSpec([{ scale: {} }, { normalise: {} }]), /prepare step 2 \(normalise\): unknown step "normalise"/);
  assertMlError(
    () => Pipeline.fromSpec([{ scale: { method: 'zscore' } }]),
    /prepare step 1 \(scale\): option "method" must be one of "standard", "minmax", "robust", got "zscore"/,
  );
  assertMlError(() => Pipeline.fromSpec([{ impute: { strategy: 'mean', colums: ['a'] } }]), /prepare step 1 \(impute\): unknown option "colums"/);
  assertMlError(() => Pipeline.fromSpec([{ clip: { lower: 2 } }]), /\(clip\): option "lower" must be a number >= 0 <= 1/);
  assertMlError(() => Pipeline.fromSpec([{ text: { method: 'tfidf' } }]), /\(text\): option "column" must be a column name/);
  assertMlError(() => Pipeline.fromSpec([{ text: { column: 'r', ngram_range: [2, 1] } }]), /option "ngram_range"/);
  assertMlError(() => Pipeline.fromSpec([{ select: { method: 'pca' } }]), /\(select\): method pca needs exactly one of option "components"/);
  assertMlError(() => Pipeline.fromSpec([{ coerce: { columns: { a: 'date' } } }]), /\(coerce\): type of column "a" must be one of/);
  assertMlError(() => Pipeline.fromSpec([{ scale: {}, impute: {} }]), /prepare step 1: must have exactly one step name/);
  assertMlError(() => Pipeline.fromSpec([{ onehot: { handle_unknown: 'crash' } }]), /option "handle_unknown"/);
});

test('onehot with handle_unknown error names the unseen category and row', () => {
  const pipeline = Pipeline.fromSpec([{ onehot: { handle_unknown: 'error' } }]);
  pipeline.fitTransform(tableFromRecords([{ c: 'a' }, { c: 'b' }]), new Float64Array(2), { seed: DEFAULT_SEED });
  assertMlError(() => pipeline.transform(tableFromRecords([{ c: 'a' }, { c: 'z' }])), /column "c" has category "z" at row 2/);
});

test('ordinal with an explicit order, then scale, stays numeric', () => {
  const t = tableFromRecords([{ size: 'S' }, { size: 'L' }, { size: 'M' }]);
  const pipeline = Pipeline.fromSpec([{ ordinal: { categories: { size: ['S', 'M', 'L'] } } }]);
  assert.deepEqual([...(pipeline.fitTransform(t, new Float64Array(3), { seed: DEFAULT_SEED }).X as DenseMatrix).data], [0, 2, 1]);
  assert.deepEqual([...(pipeline.transform(tableFromRecords([{ size: 'XL' }])) as DenseMatrix).data], [-1]);
});

test('variance selection over TF-IDF keeps CSR; lasso selection works on class labels', () => {
  const docs = Array.from({ length: 40 }, (_, i) => ({ text: i % 2 ? `good great fine item ${i}` : `bad awful poor item ${i}`, noise: (i * 7) % 5 }));
  const y = docs.map((_, i) => (i % 2 ? 'pos' : 'neg'));
  const t = tableFromRecords(docs, { kinds: { text: 'text' } });
  const variance = Pipeline.fromSpec([{ text: { column: 'text', min_df: 2 } }, { select: { method: 'variance', threshold: 0.001 } }]);
  const out = variance.fitTransform(t, y, { seed: DEFAULT_SEED });
  assert.equal(out.X.kind, 'csr');
  assert.ok(!out.featureNames.includes('text:item'), 'a term in every document has zero variance');
  const lasso = Pipeline.fromSpec([{ text: { column: 'text', min_df: 2 } }, { select: { method: 'lasso', alpha: 0.05 } }]);
  const selected = lasso.fitTransform(t, y, { seed: DEFAULT_SEED }).featureNames;
  assert.ok(selected.length > 0 && selected.every((n) => /text:(good|great|fine|bad|awful|poor)/.test(n)), selected.join(','));
  assert.equal((lasso.transform(t) as CsrMatrix).cols, selected.length);
});

test('fitTransform reports progress per step and stops when cancelled', () => {
  const seen: number[] = [];
  Pipeline.fromSpec([{ impute: {} }, { scale: {} }]).fitTransform(tableFromRecords([{ a: 1 }, { a: 2 }]), new Float64Array(2), {
    seed: DEFAULT_SEED,
    onProgress: (e) => seen.push(e.step),
  });
  assert.deepEqual(seen, [1, 2]);
  const controller = new AbortController();
  controller.abort();
  assert.throws(
    () => Pipeline.fromSpec([{ scale: {} }]).fitTransform(tableFromRecords([{ a: 1 }]), new Float64Array(1), { seed: DEFAULT_SEED, signal: controller.signal }),
    CancelledError,
  );
});

test('an empty table and a target of the wrong length are named', () => {
  assertMlError(() => Pipeline.fromSpec([]).fitTransform({ rowCount: 0, columns: [] }, [], { seed: DEFAULT_SEED }), /no rows/);
  assertMlError(
    () => Pipeline.fromSpec([]).fitTransform(tableFromRecords([{ a: 1 }]), [] as string[], { seed: DEFAULT_SEED }),
    /target has 0 values but the table has 1 rows/,
  );
});

test('numeric columns only: fitTransform hands the columns themselves (no copy) and builds the row-major X only when asked', () => {
  const numeric = tableFromRecords([
    { a: 1, b: 2.5, c: -1 },
    { a: 3, b: 0.5, c: 4 },
    { a: 5, b: 1.5, c: 9 },
  ]);
  const prepared = Pipeline.fromSpec([{ drop: { columns: ['c'] } }]).fitTransform(numeric, ['x', 'y', 'x'], { seed: DEFAULT_SEED });
  const a = (numeric.columns[0] as NumericColumn).values;
  assert.equal(prepared.columns?.length, 2);
  assert.equal(prepared.columns?.[0], a, 'the table column itself');
  assert.deepEqual(prepared.featureNames, ['a', 'b']);
  assert.deepEqual([...(prepared.X as DenseMatrix).data], [1, 2.5, 3, 0.5, 5, 1.5]);
  assert.equal(prepared.X, prepared.X, 'built once');
  // A missing value is reported at fitTransform, as before, not when X is first used.
  const missing = tableFromRecords([{ a: 1 }, { a: null }]);
  assert.throws(() => Pipeline.fromSpec([]).fitTransform(missing, ['x', 'y'], { seed: DEFAULT_SEED }), /column "a" still has 1 missing value/);
  // Encoded blocks: no columns, X as before.
  const encoded = Pipeline.fromSpec([{ onehot: { columns: ['city'] } }]).fitTransform(
    tableFromRecords([
      { a: 1, city: 'x' },
      { a: 2, city: 'y' },
    ]),
    ['x', 'y'],
    {
      seed: DEFAULT_SEED,
    },
  );
  assert.equal(encoded.columns, undefined);
  assert.equal(encoded.X.cols, 3);
});
