import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { stepAxis } from '../../../webview/dashboard/axes';

test('a per-step curve (epoch, iteration, trial) has whole-number ticks only', () => {
  assert.deepEqual(stepAxis('epoch / iteration'), { type: 'linear', title: { display: true, text: 'epoch / iteration' }, ticks: { precision: 0 } });
});

test('the dashboard line charts take their x axis from stepAxis', () => {
  const charts = readFileSync(path.join(__dirname, '..', '..', '..', 'webview', 'dashboard', 'charts.ts'), 'utf8');
  const lineConfig = charts.slice(charts.indexOf('export function lineConfig'));
  assert.match(lineConfig.slice(0, lineConfig.indexOf('\n}\n')), /x: stepAxis\(xTitle\)/);
});
