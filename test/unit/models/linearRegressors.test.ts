import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseToCsr } from '../../../src/core/linalg/matrix';
import { ElasticNet } from '../../../src/core/models/elasticNet';
import { Lasso } from '../../../src/core/models/lasso';
import { LinearRegression } from '../../../src/core/models/linearRegression';
import { Ridge } from '../../../src/core/models/ridge';
import { CancelledError, MlError } from '../../../src/core/types';
import type { ProgressEvent, Regressor } from '../../../src/core/types';
import { assertClose, crossValidate, r2, readDataset, referenceFor } from './linearFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

const diabetes = readDataset('diabetes.csv');
const y = diabetes.values;

interface Case {
  readonly name: string;
  readonly make: (params: Record<string, unknown>, exact: boolean) => Regressor & { coef: Float64Array | undefined; intercept: number };
  /** Relative tolerance on coefficients: exact solvers 1e-6, coordinate descent run to a tight gap 1e-5. */
  readonly rtol: number;
}

const cases: Case[] = [
  { name: 'linear_regression', make: () => new LinearRegression(), rtol: 1e-6 },
  { name: 'ridge', make: (p) => new Ridge(p), rtol: 1e-6 },
  { name: 'lasso', make: (p, exact) => new Lasso(exact ? { ...p, tol: 1e-12, max_iter: 100000 } : p), rtol: 1e-5 },
  { name: 'elastic_net', make: (p, exact) => new ElasticNet(exact ? { ...p, tol: 1e-12, max_iter: 100000 } : p), rtol: 1e-5 },
];

for (const { name, make, rtol } of cases) {
  const { folds, model: expected } = referenceFor('diabetes', name);

  test(`${name}: coefficients match scikit-learn on diabetes (rtol ${rtol})`, () => {
    const model = make(expected.params, true);
    model.fit(diabetes.X, y, { seed: DEFAULT_SEED });
    // Coefficients are in the hundreds; a scale of 1e-3 keeps exact zeros of the lasso comparable.
    assertClose(model.coef as Float64Array, expected.coef?.[0] ?? [], rtol, 1e-3, `${name} coef`);
    assertClose([model.intercept], expected.intercept ?? [], rtol, 1, `${name} intercept`);
  });

  test(`${name}: 5-fold CV R² within 1 point of scikit-learn on the same folds`, async () => {
    const score = await crossValidate(() => make(expected.params, false), diabetes.X, y, folds, r2);
    assert.ok(Math.abs(score - (expected.cv_r2 as number)) <= 0.01, `R² ${score} vs sklearn ${expected.cv_r2}`);
  });

  test(`${name}: sparse and dense inputs give the same coefficients`, () => {
    const dense = make(expected.params, true);
    dense.fit(diabetes.X, y, { seed: DEFAULT_SEED });
    const sparse = make(expected.params, true);
    sparse.fit(denseToCsr(diabetes.X), y, { seed: DEFAULT_SEED });
    assertClose(sparse.coef as Float64Array, dense.coef as Float64Array, 1e-6, 1e-3, `${name} sparse coef`);
    assertClose(sparse.predict(denseToCsr(diabetes.X)), dense.predict(diabetes.X), 1e-8, 1, `${name} sparse predictions`);
  });

  test(`${name}: save/load round trip predicts identically and repeated fits are identical`, () => {
    const model = make(expected.params, false);
    model.fit(diabetes.X, y, { seed: DEFAULT_SEED });
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>;
    assert.equal(json.type, name);
    const constructor = model.constructor as unknown as { fromJSON(json: unknown): Regressor };
    assert.deepEqual(constructor.fromJSON(json).predict(diabetes.X), model.predict(diabetes.X));
    const again = make(expected.params, false);
    again.fit(diabetes.X, y, { seed: DEFAULT_SEED });
    assert.deepEqual(again.coef, model.coef);
    assert.throws(() => constructor.fromJSON({ ...json, type: 'svm' }), MlError);
  });
}

test('lasso zeroes coefficients and reports progress; cancellation throws CancelledError', () => {
  const events: ProgressEvent[] = [];
  const model = new Lasso({ alpha: 1 });
  model.fit(diabetes.X, y, { seed: DEFAULT_SEED, onProgress: (e) => events.push(e) });
  assert.ok(
    (model.coef as Float64Array).some((c) => c === 0),
    'strong L1 penalty leaves exact zeros',
  );
  assert.ok(events.length > 0 && events.every((e) => typeof e.loss === 'number'));
  assert.ok((events.at(-1)?.loss as number) <= (events[0]?.loss as number));
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => new ElasticNet().fit(diabetes.X, y, { seed: DEFAULT_SEED, signal: controller.signal }), CancelledError);
});

test('bad parameters name the parameter and the allowed values', () => {
  assert.throws(() => new Ridge({ alpha: -1 }), /'alpha'.*>= 0/);
  assert.throws(() => new ElasticNet({ l1_ratio: 2 }), /'l1_ratio'.*\[0, 1\]/);
  assert.throws(() => new Lasso({ max_iter: 0 }), /'max_iter'/);
  assert.throws(() => new Lasso({ selection: 'greedy' as 'cyclic' }), /'selection'.*"cyclic", "random"/);
  assert.throws(() => new Ridge({ alhpa: 1 } as never), /unknown parameter 'alhpa'.*alpha/);
});

test('bad input: string target, NaN features, wrong column count', () => {
  assert.throws(() => new LinearRegression().fit(diabetes.X, diabetes.labels, { seed: DEFAULT_SEED }), /numeric/);
  const broken = { ...diabetes.X, data: Float64Array.from(diabetes.X.data) };
  broken.data[3] = Number.NaN;
  assert.throws(() => new Ridge().fit(broken, y, { seed: DEFAULT_SEED }), /column 3/);
  const model = new LinearRegression();
  model.fit(diabetes.X, y, { seed: DEFAULT_SEED });
  assert.throws(() => model.predict({ kind: 'dense', rows: 1, cols: 2, data: new Float64Array(2) }), /2 columns.*10/);
});

test('linear_regression stays finite on duplicated (singular) columns', () => {
  const n = diabetes.X.rows;
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = diabetes.X.data[i * 10] as number;
    data[i * 3 + 1] = diabetes.X.data[i * 10] as number;
    data[i * 3 + 2] = diabetes.X.data[i * 10 + 2] as number;
  }
  const model = new LinearRegression();
  model.fit({ kind: 'dense', rows: n, cols: 3, data }, y, { seed: DEFAULT_SEED });
  const coef = model.coef as Float64Array;
  assert.ok(coef.every(Number.isFinite));
  // The two copies share the weight of the one column.
  assert.ok(Math.abs((coef[0] as number) - (coef[1] as number)) < 1e-3 * Math.abs(coef[0] as number));
});
