import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { plainYamlError } from '../../../src/core/experiment/yamlErrors';
import { parseExperiment } from '../../../src/core/runs/experimentFile';

/** The first parse error of `text` in plain words. */
function plain(text: string): string {
  const error = parseDocument(text, { prettyErrors: false }).errors[0];
  assert.ok(error, `expected a parse error in ${JSON.stringify(text)}`);
  return plainYamlError(error.code, error.message);
}

test('the common YAML mistakes are said in plain words with what to do', () => {
  assert.match(
    plain('model: type: svm\n'),
    /a key and its value are on one line where a nested block is expected — put the nested keys on their own lines, indented/,
  );
  assert.match(plain('data:\n  path: "a.csv\n'), /quoted text is not closed/);
  assert.match(plain('a: 1\na: 2\n'), /the same key appears twice/);
  assert.match(plain('model:\n\ttype: svm\n'), /tab is used for indentation/);
  assert.match(plain('prepare:\n  - a: 1\n   - b: 2\n'), /items of one list must start in the same column/);
  assert.match(plain('model:\n  type: svm\n  params:\n  C: 1\n validation: x\n'), /indentation does not match/);
  assert.match(plain('x: { a: 1 }}\n'), /"}" or "]" without its opening/);
  assert.match(plain('x: { a: 1,, b: 2 }\n'), /extra or misplaced ","/);
  assert.match(plain('x: @foo\n'), /put the value in quotes/);
  assert.match(plain('a: 1\n---\nb: 2\n'), /more than one YAML document/);
  assert.match(plain('key\nmodel: 1\n'), /a key runs over more than one line/);
  assert.match(plain('model:\n  params: { C: 1\n'), /"\{" or "\[" is not closed/);
});

test('no library jargon is left for the codes it knows', () => {
  for (const text of ['model: type: svm\n', 'a: 1\na: 2\n', 'model:\n\ttype: svm\n', 'x: [a, b]]\n']) {
    assert.doesNotMatch(plain(text), /mapping|implicit|token|flow|Map keys/i);
  }
});

test('parseExperiment reports a syntax error with its line in plain words', () => {
  const text = 'name: x\ndata:\n  path: a.csv\nmodel: type: svm\n';
  const loaded = parseExperiment('x.experiment.yaml', text, false);
  assert.equal(loaded.problems.length, 1);
  const [problem] = loaded.problems;
  assert.equal(problem?.line, 4);
  assert.equal(
    problem?.message,
    'syntax error on line 4: a key and its value are on one line where a nested block is expected — put the nested keys on their own lines, indented',
  );
});
