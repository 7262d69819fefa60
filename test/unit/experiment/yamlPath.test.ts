import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPath, locateAt, locateForCompletion, scalarsOf } from '../../../src/core/experiment/yamlPath';
import { closestNames, editDistance } from '../../../src/core/experiment/closest';

/** Locates the `|` of `marked` (removed from the text). */
function at(marked: string): { role?: string; path?: string; prefix?: string } | undefined {
  const offset = marked.indexOf('|');
  const found = locateForCompletion(marked.replace('|', ''), offset);
  return found && { role: found.role, path: formatPath(found.path), prefix: found.prefix };
}

test('completion positions in block YAML: top-level keys, map keys on their own line, values after "key: "', () => {
  assert.deepEqual(at('|'), { role: 'key', path: '', prefix: '' });
  assert.deepEqual(at('name: x\n|'), { role: 'key', path: '', prefix: '' });
  assert.deepEqual(at('name: x\nmo|'), { role: 'key', path: '', prefix: 'mo' });
  assert.deepEqual(at('|\nmodel: {}\n'), { role: 'key', path: '', prefix: '' });
  assert.deepEqual(at('model:\n  type: svm\n  |\nseed: 1\n'), { role: 'key', path: 'model', prefix: '' });
  assert.deepEqual(at('model:\n  type: |\n'), { role: 'value', path: 'model.type', prefix: '' });
  assert.deepEqual(at('model:\n  type: logi|\n'), { role: 'value', path: 'model.type', prefix: 'logi' });
  assert.deepEqual(at('model:\n  params:\n    |\nseed: 1\n'), { role: 'key', path: 'model.params', prefix: '' });
  assert.deepEqual(at('model:\n  params:\n    C: 1\n    pe|\n'), { role: 'key', path: 'model.params', prefix: 'pe' });
  assert.deepEqual(at('model:\n  params:\n    pen|alty: l2\n'), { role: 'key', path: 'model.params', prefix: 'pen' });
  assert.deepEqual(at('data:\n  path: a.csv\n  target: |\n'), { role: 'value', path: 'data.target', prefix: '' });
});

test('completion positions in lists and flow collections: step names, step options, column items', () => {
  assert.deepEqual(at('prepare:\n  - |\n'), { role: 'key', path: 'prepare[0]', prefix: '' });
  assert.deepEqual(at('prepare:\n  - impute: {}\n  - sc|\n'), { role: 'key', path: 'prepare[1]', prefix: 'sc' });
  assert.deepEqual(at('prepare:\n  - scale: { | }\n'), { role: 'key', path: 'prepare[0].scale', prefix: '' });
  assert.deepEqual(at('prepare:\n  - scale: { method: | }\n'), { role: 'value', path: 'prepare[0].scale.method', prefix: '' });
  assert.deepEqual(at('prepare:\n  - scale: { method: standard, | }\n'), { role: 'key', path: 'prepare[0].scale', prefix: '' });
  assert.deepEqual(at('prepare:\n  - scale:\n      |\n'), { role: 'key', path: 'prepare[0].scale', prefix: '' });
  assert.deepEqual(at('prepare:\n  - onehot: { columns: [a, |] }\n'), { role: 'item', path: 'prepare[0].onehot.columns', prefix: '' });
  assert.deepEqual(at('prepare:\n  - onehot:\n      columns:\n        - ci|\n'), { role: 'item', path: 'prepare[0].onehot.columns', prefix: 'ci' });
  assert.deepEqual(at('validation: { method: k| }\n'), { role: 'value', path: 'validation.method', prefix: 'k' });
});

test('completion positions in JSON experiment files, and none inside a comment', () => {
  const json = (marked: string) => {
    const offset = marked.indexOf('|');
    return locateForCompletion(marked.replace('|', ''), offset);
  };
  const value = json('{ "model": { "type": "lo|" } }');
  assert.equal(value?.role, 'value');
  assert.equal(formatPath(value?.path ?? []), 'model.type');
  assert.equal(value?.quoted, true);
  assert.equal(value?.prefix, 'lo');
  assert.equal(json('{ "model": { "|" } }')?.role, 'key');
  assert.equal(at('model: # co|mment\n'), undefined);
});

test('the replaced range covers the whole word under the cursor', () => {
  const text = 'model:\n  params:\n    penalty: l2\n';
  const offset = text.indexOf('penalty') + 3;
  const found = locateForCompletion(text, offset);
  assert.equal(text.slice(found?.start, found?.end), 'penalty');
  assert.equal(found?.text, 'penalty');
});

test('locateAt finds the key or value under an offset of complete text', () => {
  const text = 'model:\n  type: logistic_regression\n  params: { C: 0.5 }\n';
  const key = locateAt(text, text.indexOf('type') + 1);
  assert.deepEqual([key?.role, formatPath(key?.path ?? []), key?.text], ['key', 'model', 'type']);
  const value = locateAt(text, text.indexOf('logistic') + 4);
  assert.deepEqual([value?.role, formatPath(value?.path ?? []), value?.text], ['value', 'model.type', 'logistic_regression']);
  const param = locateAt(text, text.indexOf('C:'));
  assert.deepEqual([param?.role, formatPath(param?.path ?? []), param?.text], ['key', 'model.params', 'C']);
  assert.equal(locateAt(text, text.indexOf('  params')), undefined);
});

test('scalarsOf lists keys, values and items with their offsets', () => {
  const text = 'prepare:\n  - onehot: { columns: [city] }\n';
  const found = scalarsOf(text).map((s) => `${s.role} ${formatPath(s.path)} ${String(s.scalar.value)} ${text.slice(s.scalar.start, s.scalar.end)}`);
  assert.deepEqual(found, [
    'key  prepare prepare',
    'key prepare[0] onehot onehot',
    'key prepare[0].onehot columns columns',
    'item prepare[0].onehot.columns city city',
  ]);
});

test('closestNames: case, typing slips and transpositions; nothing for unrelated names', () => {
  assert.equal(editDistance('kfodl', 'kfold'), 1);
  assert.deepEqual(closestNames('logistic_regresion', ['linear_regression', 'logistic_regression', 'svm']), ['logistic_regression']);
  assert.deepEqual(closestNames('c', ['C', 'penalty']), ['C']);
  assert.deepEqual(closestNames('max_iterr', ['max_iter', 'tol']), ['max_iter']);
  assert.deepEqual(closestNames('xgboost', ['svm', 'ridge', 'lasso']), []);
});
