// The experiment diagnostics' warning for string columns no step encodes or drops: both ways out, on the data line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unencodedColumnProblems, type TypedColumn } from '../../../src/extension/experiments/columns';

const columns: TypedColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'text' },
  { name: 'released', type: 'date' },
  { name: 'origin', type: 'categorical' },
  { name: 'mpg', type: 'float' },
];

const file = (...prepare: string[]): string =>
  [
    'name: cars',
    'data:',
    '  path: data/cars.csv',
    '  target: mpg',
    ...(prepare.length > 0 ? ['prepare:', ...prepare.map((s) => `  - ${s}`)] : []),
    'model: { type: ridge }',
    '',
  ].join('\n');

test('free text and dates that no step encodes or drops are warned about on the data path, with both choices', () => {
  const problems = unencodedColumnProblems(file('onehot: {}'), columns);
  assert.deepEqual(
    problems.map((p) => [p.path, p.line]),
    [
      ['data.path', 3],
      ['data.path', 3],
    ],
  );
  assert.match(problems[0]?.message ?? '', /column "name" is free text .*`text: \{ column: name \}`.*or leave it out with `drop: \{ columns: \[name\] \}`/);
  assert.match(problems[1]?.message ?? '', /column "released" holds dates .*`datetime: \{ columns: \[released\] \}`.*or `drop: \{ columns: \[released\] \}`/);
});

test('a column a step encodes, drops or turns into numbers is not warned about; nor is the target, nor a transformer file', () => {
  assert.deepEqual(unencodedColumnProblems(file('drop: { columns: [id, name] }', 'datetime: { columns: [released] }', 'onehot: {}'), columns), []);
  assert.deepEqual(unencodedColumnProblems(file('text: { column: name }', 'ordinal: { columns: [released] }'), columns), []);
  assert.deepEqual(unencodedColumnProblems(file('drop: { columns: [name, released] }'), [...columns, { name: 'mpg', type: 'text' }]), []);
  const transformer = file('text: { column: name }').replace('type: ridge', 'type: transformer');
  assert.deepEqual(unencodedColumnProblems(transformer, columns), []);
  // dropMissing only looks at a column: it still needs an encoding.
  assert.equal(unencodedColumnProblems(file('dropMissing: { columns: [name] }', 'datetime: { columns: [released] }'), columns).length, 1);
  assert.deepEqual(unencodedColumnProblems('data: [', columns), []);
});
