import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnReferences, unknownColumnProblems } from '../../../src/extension/experiments/columns';

const text = [
  'data:', //                                              1
  '  path: data/iris.csv', //                              2
  '  target: kind', //                                     3
  'prepare:', //                                           4
  '  - impute: { strategy: median, columns: [sepal] }', // 5
  '  - coerce:', //                                        6
  '      columns:', //                                     7
  '        petal: number', //                              8
  '  - text: { column: species }', //                      9
  'model: { type: decision_tree }', //                     10
].join('\n');

test('column references: the target, listed columns, mapped columns and the text column', () => {
  assert.deepEqual(
    columnReferences({
      data: { target: 'y' },
      prepare: [{ onehot: { columns: ['a', 'b'] } }, { ordinal: { categories: { c: ['x'] } } }, { text: { column: 'd' } }, { scale: {} }],
    }),
    [
      { path: 'data.target', column: 'y' },
      { path: 'prepare[0].onehot.columns[0]', column: 'a' },
      { path: 'prepare[0].onehot.columns[1]', column: 'b' },
      { path: 'prepare[1].ordinal.categories.c', column: 'c' },
      { path: 'prepare[2].text.column', column: 'd' },
    ],
  );
});

test('unknown columns are reported on their own line and column, with the columns the data has', () => {
  const problems = unknownColumnProblems(text, ['sepal_length', 'Sepal', 'species', 'petal']);
  assert.deepEqual(
    problems.map((p) => [p.path, p.line, p.column, p.endColumn]),
    [
      ['data.target', 3, 11, 15],
      ['prepare[0].impute.columns[0]', 5, 43, 48],
    ],
  );
  assert.match(problems[0]?.message ?? '', /^data\.target: unknown column "kind"; the data has: sepal_length, Sepal, species, petal$/);
  assert.match(problems[1]?.message ?? '', /did you mean "Sepal"\?/);
  const coerce = unknownColumnProblems(text, ['sepal', 'species']);
  assert.deepEqual(
    coerce.map((p) => [p.path, p.line, p.column]),
    [
      ['data.target', 3, 11],
      ['prepare[1].coerce.columns.petal', 8, 9],
    ],
  );
});

test('text with syntax errors gives no column problems (parseExperiment reports the syntax)', () => {
  assert.deepEqual(unknownColumnProblems('data: { target: [', ['a']), []);
});
