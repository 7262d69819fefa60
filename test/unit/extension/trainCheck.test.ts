import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOTIFICATION_LIMIT, notificationText } from '../../../src/extension/failureText';
import { trainVerdict, type FileProblem } from '../../../src/extension/runs/trainCheck';

const typo: FileProblem = {
  severity: 'error',
  line: 8,
  message: 'model.type: "random_forrest" is not a model type (did you mean "random_forest"?); known types: linear_regression, ridge, lasso',
};
const missingData: FileProblem = { severity: 'error', line: 3, message: 'data.path: file not found: /ws/data/nope.csv' };
const freeText: FileProblem = { severity: 'warning', line: 2, message: 'column "name" is free text that no step encodes or drops' };

test('a file with errors is refused, each error named with its line, warnings left out, no list of every type', () => {
  const verdict = trainVerdict('iris.experiment.yaml', [typo, freeText, missingData]);
  assert.equal(verdict.kind, 'refuse');
  assert.ok(verdict.kind === 'refuse');
  assert.equal(verdict.first, missingData, 'the first error by line is the one to go to');
  assert.match(verdict.message, /^ML Workbench: iris\.experiment\.yaml is not trained: it has 2 errors to fix first \(listed in Problems\): /);
  assert.match(
    verdict.message,
    /line 3: data\.path: file not found: \/ws\/data\/nope\.csv; line 8: model\.type: "random_forrest" is not a model type \(did you mean "random_forest"\?\)$/,
  );
  assert.doesNotMatch(verdict.message, /known types|free text/);
});

test('warnings only ask (Train Anyway is offered); no problem trains; hints and information do not stop it', () => {
  const verdict = trainVerdict('cars.experiment.yaml', [freeText]);
  assert.equal(verdict.kind, 'ask');
  assert.ok(verdict.kind === 'ask');
  assert.match(
    verdict.message,
    /^ML Workbench: cars\.experiment\.yaml has 1 warning \(listed in Problems\); train it anyway\? line 2: column "name" is free text/,
  );
  assert.deepEqual(trainVerdict('a.experiment.yaml', []), { kind: 'train' });
  assert.deepEqual(
    trainVerdict('a.experiment.yaml', [
      { severity: 'hint', line: 1, message: 'x' },
      { severity: 'information', line: 2, message: 'y' },
    ]),
    {
      kind: 'train',
    },
  );
});

test('a long list of errors fits one notification and says where the rest is', () => {
  const many = Array.from({ length: 40 }, (_, i): FileProblem => ({
    severity: 'error',
    line: i + 1,
    message: `model.params.p${i}: unknown parameter of ridge`,
  }));
  const verdict = trainVerdict('big.experiment.yaml', many);
  assert.ok(verdict.kind === 'refuse');
  assert.ok(verdict.message.length <= NOTIFICATION_LIMIT, String(verdict.message.length));
  assert.match(verdict.message, /it has 40 errors/);
  assert.match(verdict.message, / … \(all of them are in the Problems view\)$/);
});

test('a failure shows every line of its message: lines joined, a line ending in ":" runs on', () => {
  const message =
    'invalid experiment file:\n/ws/a.experiment.yaml:8:3: model.type: "x" is not a model type\n/ws/a.experiment.yaml:9:1: seed: must be an integer\n';
  assert.equal(
    notificationText(message),
    'invalid experiment file: /ws/a.experiment.yaml:8:3: model.type: "x" is not a model type; /ws/a.experiment.yaml:9:1: seed: must be an integer',
  );
  assert.equal(notificationText('one line'), 'one line');
  const long = notificationText('x'.repeat(3000));
  assert.equal(long.length, NOTIFICATION_LIMIT);
  assert.match(long, /^x+ … \(the whole text is in the log\)$/);
});
