import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { matchesRunFilter, parseRunFilter, type FilterableRun } from '../../../src/core/runs/runFilter';
import { parseTag, readAnnotations, removeTag, setNote, setTag } from '../../../src/core/runs/annotations';
import type { RunRecord } from '../../../src/core/runs/store';
import { MlError } from '../../../src/core/types';

function run(id: string, fields: Partial<RunRecord>, tags: Record<string, string> = {}, note?: string): FilterableRun {
  return {
    record: {
      id,
      experiment: 'iris',
      experimentFile: 'iris.experiment.yaml',
      snapshot: null,
      status: 'completed',
      createdAt: '2026-12-04T21:00:00Z',
      ...fields,
    },
    annotations: { tags, ...(note ? { note } : {}) },
  };
}

const runs = [
  run('a', { metrics: { accuracy: 0.95 }, params: { C: 0.5, penalty: 'l2' }, modelType: 'logistic_regression' }, { team: 'a' }, 'baseline, scaled'),
  run('b', { metrics: { accuracy: 0.91 }, params: { C: 10, penalty: 'l1' }, modelType: 'logistic_regression' }, { team: 'b' }),
  run('c', { metrics: { accuracy: 0.85 }, params: { C: 0.1, hidden_layer_sizes: [64, 32] }, modelType: 'mlp', experiment: 'iris-cnn' }, { team: 'a' }),
  run('d', { status: 'failed' }, { team: 'a' }),
];
const ids = (expression: string): string[] => {
  const filter = parseRunFilter(expression);
  return runs.filter((r) => matchesRunFilter(filter, r)).map((r) => r.record.id);
};

test("the issue's example: metrics, params and tags joined by and", () => {
  assert.deepEqual(ids("metrics.accuracy > 0.9 and params.C < 1 and tags.team = 'a'"), ['a']);
  assert.deepEqual(parseRunFilter("metrics.accuracy > 0.9 and params.C < 1 and tags.team = 'a'"), [
    { kind: 'metrics', key: 'accuracy', comparator: '>', value: 0.9 },
    { kind: 'params', key: 'C', comparator: '<', value: 1 },
    { kind: 'tags', key: 'team', comparator: '=', value: 'a' },
  ]);
});

test('every comparator; a run lacking the key does not match', () => {
  assert.deepEqual(ids('metrics.accuracy >= 0.91'), ['a', 'b']);
  assert.deepEqual(ids('metrics.accuracy <= 0.91'), ['b', 'c']);
  assert.deepEqual(ids('metrics.accuracy != 0.91'), ['a', 'c']);
  assert.deepEqual(ids('metrics.accuracy == 0.85'), ['c']);
  assert.deepEqual(ids("params.penalty <> 'l1'"), ['a']);
  assert.deepEqual(ids('params.C > 1'), ['b'], 'numbers compare as numbers, not text ("10" < "5")');
  assert.deepEqual(ids("params.C = '10'"), ['b'], 'a quoted number still equals the number');
  assert.deepEqual(ids("params.hidden_layer_sizes = '[64,32]'"), ['c']);
  assert.deepEqual(ids("tags.team IN ('b', 'c')"), ['b']);
  assert.deepEqual(ids("tags.team NOT IN ('b')"), ['a', 'c', 'd']);
  assert.deepEqual(ids("experiment LIKE 'iris-%'"), ['c']);
  assert.deepEqual(ids("attributes.model ILIKE '%REGRESSION'"), ['a', 'b']);
  assert.deepEqual(ids("note LIKE '%scaled'"), ['a']);
  assert.deepEqual(ids("status = 'failed'"), ['d']);
  assert.deepEqual(ids("run_id IN ('a', 'c')"), ['a', 'c']);
  assert.deepEqual(ids('metrics.`accuracy` > .9'), ['a', 'b']);
  assert.deepEqual(ids(''), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids("STATUS = 'completed' AND tags.team = 'a'"), ['a', 'c']);
});

test('bad expressions get an MlError naming the column and what was expected', () => {
  const problem = (expression: string): string => {
    try {
      parseRunFilter(expression);
    } catch (error) {
      assert.ok(error instanceof MlError);
      return error.message;
    }
    assert.fail(`"${expression}" parsed`);
  };
  assert.match(problem('metrics.accuracy 0.9'), /column 18: expected an operator/);
  assert.match(problem("metrics.accuracy > 'high'"), /metrics\.accuracy is a number/);
  assert.match(problem('tags.team = a'), /column 13: expected a number or a quoted string, got "a" \(quote text values: 'a'\)/);
  assert.match(problem('score > 1'), /column 1: unknown key "score"/);
  assert.match(problem('foo.bar = 1'), /"foo" is not metrics, params, tags or attributes/);
  assert.match(problem("tags.team = 'a' or tags.team = 'b'"), /"or" is not supported/);
  assert.match(problem("tags.team = 'a"), /quote ' is not closed/);
  assert.match(problem('metrics.accuracy > 0.9 and'), /after "and"/);
  assert.match(problem("tags.team IN ('a' 'b')"), /expected , or \)/);
  assert.match(problem('metrics.accuracy >'), /expected a value at the end/);
});

test("a run's note and tags live in annotations.json in its folder", () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-notes-')), 'run');
  mkdirSync(dir);
  assert.deepEqual(readAnnotations(dir), { tags: {} });
  setNote(dir, '  first try  ');
  setTag(dir, 'team', 'a');
  setTag(dir, 'stage', 'review');
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'annotations.json'), 'utf8')), { note: 'first try', tags: { team: 'a', stage: 'review' } });
  removeTag(dir, 'stage');
  setNote(dir, '');
  assert.deepEqual(readAnnotations(dir), { tags: { team: 'a' } });
  writeFileSync(path.join(dir, 'annotations.json'), '{ cut');
  assert.deepEqual(readAnnotations(dir), { tags: {} }, 'a broken file reads as none');
  assert.deepEqual(parseTag("team = 'vision'"), { key: 'team', value: 'vision' });
  assert.deepEqual(parseTag('reviewed'), { key: 'reviewed', value: '' });
  assert.throws(() => parseTag('a b=c'), /the key must be letters/);
  assert.throws(() => setTag(path.join(dir, 'missing'), 'x', 'y'), /no run folder/);
});
