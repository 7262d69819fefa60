import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chiSquareDrift, ksTwoSample, proportionsZTest } from '../../../src/core/drift';
import { driftReport } from '../../../src/core/drift/report';
import type { ReferenceSample, RunSchema } from '../../../src/core/runs/artifacts';
import { Random } from '../../../src/core/random';

const schema: RunSchema = {
  features: [
    { name: 'x', kind: 'numeric' },
    { name: 'few', kind: 'numeric' },
    { name: 'binary', kind: 'numeric' },
    { name: 'city', kind: 'categorical' },
    { name: 'review', kind: 'text' },
  ],
  target: { name: 'y', kind: 'categorical' },
  task: 'classification',
  labels: ['a', 'b'],
};

function sample(rows: number, seed: number, shift: number): Record<string, (number | string | null)[]> {
  const random = new Random(seed);
  const cities = ['paris', 'lyon', 'nice'];
  return {
    x: Array.from({ length: rows }, () => random.normal() + shift),
    few: Array.from({ length: rows }, () => random.int(4)),
    binary: Array.from({ length: rows }, () => (random.next() < 0.3 + shift / 10 ? 1 : 0)),
    city: Array.from({ length: rows }, () => cities[random.int(3)] ?? null),
    review: Array.from({ length: rows }, () => 'fine'),
  };
}

test('reference of <= 1000 rows: KS for numeric, chi-squared for few values, z-test for two; p < 0.05 drifts', () => {
  const reference: ReferenceSample = { rows: 300, columns: sample(300, 1, 0) };
  const current = { columns: sample(200, 2, 0) };
  const report = driftReport(reference, schema, current);
  const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
  assert.equal(byName.x?.method, 'ks');
  assert.equal(byName.few?.method, 'chisquare');
  assert.equal(byName.binary?.method, 'z');
  assert.equal(byName.city?.method, 'chisquare');
  assert.deepEqual(report.skipped, [{ name: 'review', kind: 'text', reason: 'text column: drift of free text is not measured' }]);
  // The report's figures are the statistics' own on the same values.
  const ks = ksTwoSample(reference.columns.x as number[], current.columns.x as number[]);
  assert.equal(byName.x?.pValue, ks.pValue);
  assert.equal(byName.x?.statistic, ks.statistic);
  assert.equal(byName.few?.pValue, chiSquareDrift(reference.columns.few as number[], current.columns.few as number[]).pValue);
  assert.equal(byName.binary?.pValue, proportionsZTest(reference.columns.binary as number[], current.columns.binary as number[]).pValue);
  for (const f of report.features) {
    assert.equal(f.threshold, 0.05);
    assert.equal(f.drifted, (f.pValue as number) < 0.05);
    assert.ok(f.psi !== null && f.psi >= 0);
  }
  assert.equal(report.currentRows, 200);
});

test('reference of > 1000 rows: normed Wasserstein for numeric, Jensen–Shannon otherwise; distance >= 0.1 drifts', () => {
  const reference: ReferenceSample = { rows: 1500, columns: sample(1500, 3, 0) };
  const report = driftReport(reference, schema, { columns: sample(500, 4, 1) });
  const methods = Object.fromEntries(report.features.map((f) => [f.name, f.method]));
  assert.deepEqual(methods, { x: 'wasserstein_normed', few: 'jensenshannon', binary: 'jensenshannon', city: 'jensenshannon' });
  const x = report.features.find((f) => f.name === 'x');
  assert.equal(x?.pValue, undefined);
  assert.equal(x?.threshold, 0.1);
  assert.ok(x !== undefined && x.statistic > 0.5 && x.drifted, 'a one-sd shift drifts');
});

test('missing values are dropped, numeric strings accepted, absent and empty columns skipped', () => {
  const reference: ReferenceSample = { rows: 6, columns: { x: [1, 2, null, 4, 5, 6], city: ['a', 'b', 'c', null, 'a', 'b'] } };
  const report = driftReport(
    reference,
    {
      ...schema,
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'city', kind: 'categorical' },
        { name: 'gone', kind: 'numeric' },
      ],
    },
    { columns: { x: ['1.5', 2, 'oops', null, 7, 8, 9], city: [null, null] } },
  );
  const x = report.features.find((f) => f.name === 'x');
  assert.equal(x?.referenceCount, 5);
  assert.equal(x?.currentCount, 5);
  assert.ok(Math.abs((x?.currentMissingShare ?? 0) - 2 / 7) < 1e-15);
  assert.deepEqual(
    report.skipped.map((s) => [s.name, s.reason]),
    [
      ['city', 'no non-missing values in the current window'],
      ['gone', 'not in the reference sample'],
    ],
  );
});

test('dataset drift when at least half the measured features drift', () => {
  const reference: ReferenceSample = { rows: 400, columns: { a: sample(400, 5, 0).x ?? [], b: sample(400, 6, 0).x ?? [] } };
  const two: RunSchema = {
    ...schema,
    features: [
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'numeric' },
    ],
  };
  const shifted = (seed: number, shift: number) => sample(300, seed, shift).x ?? [];
  const half = driftReport(reference, two, { columns: { a: shifted(7, 2), b: shifted(8, 0) } });
  assert.deepEqual(half.driftedFeatures, ['a']);
  assert.equal(half.share, 0.5);
  assert.equal(half.datasetDrift, true);
  const none = driftReport(reference, two, { columns: { a: shifted(9, 0), b: shifted(10, 0) } });
  assert.equal(none.datasetDrift, false);
  const strict = driftReport(reference, two, { columns: { a: shifted(7, 2), b: shifted(8, 0) } }, { driftShare: 0.75 });
  assert.equal(strict.datasetDrift, false);
});

// The scenario of the drift test: a model's training period, then a later period in which two features moved.
interface Row {
  [key: string]: string | number;
}
function readDaily(): Row[] {
  const [header, ...lines] = readFileSync(join(__dirname, '../../fixtures/drift/daily.csv'), 'utf8').trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row: Row = {};
    names.forEach((name, i) => {
      const cell = cells[i] ?? '';
      row[name] = ['temperature', 'humidity', 'hour', 'load'].includes(name) ? Number(cell) : cell;
    });
    return row;
  });
}

const dailySchema: RunSchema = {
  features: [
    { name: 'temperature', kind: 'numeric' },
    { name: 'humidity', kind: 'numeric' },
    { name: 'hour', kind: 'numeric' },
    { name: 'load', kind: 'numeric' },
    { name: 'region', kind: 'categorical' },
    { name: 'device', kind: 'categorical' },
  ],
  target: { name: 'label', kind: 'categorical' },
  task: 'classification',
  labels: ['high', 'low'],
};

function columnsOf(rows: Row[]): Record<string, (number | string)[]> {
  return Object.fromEntries(dailySchema.features.map((f) => [f.name, rows.map((r) => r[f.name] as number | string)]));
}
const perDay = 8;
const days = (rows: Row[], from: number, to: number): Row[] => rows.slice(from * perDay, to * perDay);

test('drift scenario: the later period flags exactly temperature and region; a training-period control flags none', async () => {
  const rows = readDaily();
  assert.equal(rows.length, 3200);
  assert.equal(rows[250 * perDay]?.date, '2024-09-07');
  // The committed CSV is what the generator writes.
  const { dailyDriftRows, toCsv } = await import('../../fixtures/drift/generate');
  assert.equal(toCsv(dailyDriftRows(42)), readFileSync(join(__dirname, '../../fixtures/drift/daily.csv'), 'utf8'));

  const regimes = [
    { name: 'KS / chi-squared', reference: days(rows, 0, 100), control: days(rows, 150, 250), later: days(rows, 300, 400), methods: ['ks', 'chisquare'] },
    {
      name: 'Wasserstein / Jensen–Shannon',
      reference: days(rows, 0, 200),
      control: days(rows, 200, 250),
      later: days(rows, 250, 400),
      methods: ['wasserstein_normed', 'jensenshannon'],
    },
  ];
  for (const regime of regimes) {
    const reference: ReferenceSample = { rows: regime.reference.length, columns: columnsOf(regime.reference) };
    const later = driftReport(reference, dailySchema, { columns: columnsOf(regime.later) });
    assert.deepEqual(new Set(later.features.map((f) => f.method)), new Set(regime.methods), regime.name);
    assert.deepEqual(later.driftedFeatures, ['temperature', 'region'], `${regime.name}: later period`);
    assert.equal(later.datasetDrift, false, 'two of six features is under half');
    const control = driftReport(reference, dailySchema, { columns: columnsOf(regime.control) });
    assert.deepEqual(control.driftedFeatures, [], `${regime.name}: control window`);
    // Margins, so that the verdicts are not near their thresholds.
    for (const f of later.features) {
      const margin = f.pValue !== undefined ? (f.drifted ? f.pValue < 1e-6 : f.pValue > 0.5) : f.drifted ? f.statistic > 0.25 : f.statistic < 0.05;
      assert.ok(margin, `${regime.name} later ${f.name}: ${f.statistic} p=${f.pValue}`);
    }
    for (const f of control.features) {
      const margin = f.pValue !== undefined ? f.pValue > 0.5 : f.statistic < 0.05;
      assert.ok(margin, `${regime.name} control ${f.name}: ${f.statistic} p=${f.pValue}`);
    }
  }
});
