import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { axisFraction, axisPosition, paramAxis, spreadPoints, type ParamAxis } from '../../../src/core/search/paramAxis';
import type { ParamValue } from '../../../src/core/search/space';

interface StoredRun {
  snapshot: { search: { params: Record<string, unknown> } };
  trials: { params: Record<string, ParamValue>; score: number }[];
}
const sweep = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'runs', 'svm-sweep.run.json'), 'utf8')) as StoredRun;
const space = sweep.snapshot.search.params;
const valuesOf = (name: string): ParamValue[] => sweep.trials.map((t) => t.params[name] as ParamValue);

/** Labels centred on their ticks, 7 px a character, leave at least 8 px between neighbours on an axis `width` px wide. */
function assertReadable(axis: ParamAxis, width = 320): void {
  const positions = axis.ticks.map((tick) => axisFraction(axis, tick.value) * width);
  for (let i = 1; i < axis.ticks.length; i++) {
    const gap = (positions[i] as number) - (positions[i - 1] as number);
    const need = (((axis.ticks[i - 1]?.label.length ?? 0) + (axis.ticks[i]?.label.length ?? 0)) / 2) * 7 + 8;
    assert.ok(gap >= need, `ticks ${axis.ticks[i - 1]?.label} and ${axis.ticks[i]?.label} are ${gap.toFixed(1)} px apart, labels need ${need}`);
  }
  for (const tick of axis.ticks) assert.ok(tick.label.length <= 7, `tick label "${tick.label}" is long`);
}

function assertHoldsAll(axis: ParamAxis, values: readonly ParamValue[]): void {
  for (const value of values) {
    const x = axisPosition(axis, value);
    assert.ok(x !== undefined && x >= axis.min && x <= axis.max, `${String(value)} is outside [${axis.min}, ${axis.max}]`);
  }
}

test('a loguniform parameter gets a log axis with decade ticks that hold every trial', () => {
  for (const name of ['C', 'gamma']) {
    const axis = paramAxis(valuesOf(name), space[name]);
    assert.equal(axis.kind, 'log', name);
    assert.equal(axis.reason, 'log scale (loguniform)');
    assertHoldsAll(axis, valuesOf(name));
    assertReadable(axis);
    assert.ok(axis.ticks.length >= 3, `${name}: ${axis.ticks.map((t) => t.label).join(' ')}`);
    for (const tick of axis.ticks) assert.match(tick.label, /^(1|2|5)(0*|e-?\d+)$|^0\.0*(1|2|5)$/, `${name} tick ${tick.label}`);
  }
  // gamma's 12 trials fall on 12 different places of the axis (the log scale separates 0.00011 from 0.00016).
  const gamma = paramAxis(valuesOf('gamma'), space.gamma);
  const places = new Set(valuesOf('gamma').map((v) => Math.round(axisFraction(gamma, v as number) * 320)));
  assert.equal(places.size, 12);
});

test('choices get one slot each, in the order the space lists them', () => {
  const axis = paramAxis(valuesOf('kernel'), space.kernel);
  assert.equal(axis.kind, 'category');
  assert.deepEqual(axis.categories, ['rbf', 'linear']);
  assert.deepEqual(
    axis.ticks.map((t) => [t.value, t.label]),
    [
      [0, 'rbf'],
      [1, 'linear'],
    ],
  );
  assert.equal(axisPosition(axis, 'linear'), 1);
  assertHoldsAll(axis, valuesOf('kernel'));
  const mixed = paramAxis([null, 10, 5], [null, 5, 10]);
  assert.equal(mixed.kind, 'category');
  assert.deepEqual(mixed.categories, ['null', '5', '10']);
  assert.deepEqual(paramAxis([true, false]).categories, ['true', 'false']);
  assert.deepEqual(paramAxis([[64, 32], [16]], [[16], [64, 32]]).categories, ['[16]', '[64, 32]']);
});

test('a grid list spanning decades reads on a log axis at exactly the values tried', () => {
  const axis = paramAxis([0.01, 0.1, 1, 10, 0.01], [0.01, 0.1, 1, 10]);
  assert.equal(axis.kind, 'log');
  assert.deepEqual(
    axis.ticks.map((t) => t.label),
    ['0.01', '0.1', '1', '10'],
  );
  const close = paramAxis([1, 2, 3], [1, 2, 3]);
  assert.equal(close.kind, 'linear');
  assert.deepEqual(
    close.ticks.map((t) => t.label),
    ['1', '2', '3'],
  );
});

test('uniform and randint ranges get round linear ticks that do not overlap; integers only for randint', () => {
  const uniform = [0.013, 0.271, 0.5, 0.77, 0.9312, 0.1, 0.333333, 0.61];
  const axis = paramAxis(uniform, { uniform: [0, 1] });
  assert.equal(axis.kind, 'linear');
  assertHoldsAll(axis, uniform);
  assertReadable(axis);
  assert.ok(axis.ticks.length >= 3);
  for (const tick of axis.ticks) assert.match(tick.label, /^-?\d+(\.\d{1,2})?$/);
  const integers = paramAxis([2, 7, 19, 11, 3], { randint: [1, 20] });
  assertHoldsAll(integers, [2, 7, 19, 11, 3]);
  assertReadable(integers);
  for (const tick of integers.ticks) assert.ok(Number.isInteger(tick.value), `randint tick ${tick.value}`);
  // Twelve distinct values do not become twelve crowded ticks (the old chart put a tick at each).
  const many = [0.15, 0.37, 0.52, 0.88, 1.3, 1.91, 2.2, 2.9, 3.3, 3.8, 4.4, 4.9];
  const crowded = paramAxis(many, { uniform: [0.1, 5] }, 240);
  assertReadable(crowded, 240);
  assert.ok(crowded.ticks.length < many.length);
});

test('without a space, positive values over two decades get a log axis, others a linear one', () => {
  assert.equal(paramAxis([0.001, 0.5, 10]).kind, 'log');
  assert.equal(paramAxis([1, 2, 5]).kind, 'linear');
  assert.equal(paramAxis([-1, 100]).kind, 'linear');
  const single = paramAxis([0.5]);
  assertHoldsAll(single, [0.5]);
  assert.ok(single.max > single.min);
});

test('trials at the same place with the same score are fanned out so each is seen; others stay put', () => {
  const axis = paramAxis([1, 1, 1, 10], [1, 10]);
  const points = [
    { x: 1, y: 0.9 },
    { x: 1, y: 0.9 },
    { x: 1, y: 0.9 },
    { x: 10, y: 0.8 },
  ];
  const drawn = spreadPoints(axis, points);
  assert.equal(new Set(drawn.map((x) => x.toFixed(6))).size, 4);
  assert.equal(drawn[3], 10);
  for (const x of drawn) assert.ok(x >= axis.min && x <= axis.max);
  const kernel = paramAxis(valuesOf('kernel'), space.kernel);
  const scored = sweep.trials.map((t) => ({ x: axisPosition(kernel, t.params.kernel) as number, y: t.score }));
  const spread = spreadPoints(kernel, scored);
  const seen = new Set(spread.map((x, i) => `${x.toFixed(4)}:${scored[i]?.y}`));
  assert.equal(seen.size, sweep.trials.length, 'no two kernel points coincide');
  for (const x of spread) assert.ok(x > -0.5 && x < 1.5);
});
