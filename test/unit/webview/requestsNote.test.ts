import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestsNote } from '../../../webview/monitor/requestsNote';

test('the Requests tile says why it differs from the predictions: batch requests hold many rows', () => {
  assert.equal(requestsNote(5, 5), '');
  assert.match(requestsNote(132, 245), /^245 rows predicted: a batch request \(several rows in one body\) counts once here/);
  assert.match(requestsNote(6, 4), /^4 rows predicted: the other requests were feedback, refused or failed$/);
});
