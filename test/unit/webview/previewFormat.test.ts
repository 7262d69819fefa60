import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binLabel, binRange, shapeText } from '../../../webview/preview/format';
import type { PreviewState } from '../../../src/extension/preview/contract';

const schema = { path: 'iris.csv', format: 'csv', size: 4551, columns: ['a', 'b', 'c', 'd', 'species'].map((name) => ({ name })), warnings: [] };
const profile = { rowCount: 150 } as unknown as PreviewState['profile'];

function state(overrides: Partial<PreviewState>): PreviewState {
  return {
    fileName: 'iris.csv',
    filePath: '/w/iris.csv',
    tab: 'data',
    total: 150,
    filter: {},
    loadingPage: false,
    schema,
    ...overrides,
  } as unknown as PreviewState;
}

test('the header counts the rows the Data tab shows, and says when a filter narrows them', () => {
  assert.equal(shapeText(state({})), '150 rows × 5 columns');
  assert.equal(shapeText(state({ total: 22, filter: { species: 'setosa' } })), '22 rows match the filter × 5 columns');
  assert.equal(shapeText(state({ total: 22, filter: { species: 'setosa' }, profile })), '22 of 150 rows match the filter × 5 columns');
  assert.equal(shapeText(state({ total: 22, filter: { species: '  ' } })), '22 rows × 5 columns', 'a blank filter box filters nothing');
  assert.equal(shapeText(state({ total: -1 })), '… rows × 5 columns');
  assert.equal(shapeText(state({ schema: undefined })), '');
});

test('on the Profile tab the header counts what the profile counts (the whole file), whatever the filter', () => {
  const filtered = state({ tab: 'profile', total: 22, filter: { species: 'setosa' }, profile });
  assert.equal(shapeText(filtered), '150 rows × 5 columns (the whole file; the filter applies to the Data tab)');
  assert.equal(shapeText(state({ tab: 'profile', profile })), '150 rows × 5 columns');
});

test('histogram bin labels are rounded to what the bin width tells apart', () => {
  // iris petal length: 1.0 to 6.9 in 10 bins of 0.59; the midpoints were shown as 1.295, 1.885, …
  assert.equal(binLabel({ from: 1, to: 1.59 }), '1.3');
  assert.equal(binLabel({ from: 0.855, to: 1.44 }), '1.15');
  assert.equal(binLabel({ from: 1.44, to: 2.035 }), '1.74');
  assert.equal(binLabel({ from: 0, to: 10 }), '5');
  assert.equal(binLabel({ from: 1000, to: 1250 }), '1,125');
  assert.equal(binLabel({ from: 0.0012, to: 0.0015 }), '0.00135');
  assert.equal(binRange({ from: 0.855, to: 1.44 }), '0.855 – 1.44');
  assert.equal(binRange({ from: 1.1475, to: 1.7375 }), '1.148 – 1.738');
});
