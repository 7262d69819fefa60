/** Small helpers for the nn tests: read the CSV fixtures, standardise, split. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DenseMatrix } from '../../../src/core/types';

export interface Dataset {
  readonly header: string[];
  readonly X: DenseMatrix;
  readonly target: string[];
}

/** Parses a fixture CSV (no quotes): all columns but the last are numeric features. */
export function readDataset(name: string): Dataset {
  const file = path.join(__dirname, '../../fixtures/datasets', `${name}.csv`);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const cols = header.length - 1;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => row.slice(0, cols).forEach((v, j) => (data[i * cols + j] = Number(v))));
  return { header, X: { kind: 'dense', rows: rows.length, cols, data }, target: rows.map((row) => row[cols] as string) };
}

/** Column-wise standardisation (the pipeline's job in real runs). */
export function standardise(X: DenseMatrix): DenseMatrix {
  const data = Float64Array.from(X.data);
  for (let j = 0; j < X.cols; j++) {
    let mean = 0;
    for (let i = 0; i < X.rows; i++) mean += data[i * X.cols + j] as number;
    mean /= X.rows;
    let variance = 0;
    for (let i = 0; i < X.rows; i++) variance += ((data[i * X.cols + j] as number) - mean) ** 2;
    const std = Math.sqrt(variance / X.rows) || 1;
    for (let i = 0; i < X.rows; i++) data[i * X.cols + j] = ((data[i * X.cols + j] as number) - mean) / std;
  }
  return { ...X, data };
}

/** The given rows of X as a new matrix. */
export function takeRows(X: DenseMatrix, rows: readonly number[]): DenseMatrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { kind: 'dense', rows: rows.length, cols: X.cols, data };
}

const TOPICS: Record<string, string[]> = {
  sport: ['match', 'goal', 'team', 'coach', 'league', 'score', 'player', 'season'],
  food: ['recipe', 'flavour', 'dinner', 'bakery', 'spicy', 'sauce', 'chef', 'dessert'],
  tech: ['software', 'laptop', 'server', 'battery', 'update', 'browser', 'chip', 'cloud'],
};
const FILLER = [
  'the',
  'a',
  'was',
  'really',
  'today',
  'we',
  'it',
  'new',
  'and',
  'with',
  'after',
  'very',
  'this',
  'my',
  'friends',
  'about',
  'good',
  'bad',
  'long',
  'week',
  'some',
  'then',
  'again',
  'still',
];

/** A seeded three-topic text set: a few topic words hidden among filler words (chance = 1/3). */
export function topicTexts(count: number, seed: number): { texts: string[]; labels: string[] } {
  let state = seed >>> 0;
  const next = (n: number): number => {
    // Park–Miller: independent of the code under test.
    state = (state * 48271) % 2147483647 || 1;
    return state % n;
  };
  const names = Object.keys(TOPICS);
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = names[next(names.length)] as string;
    const words: string[] = [];
    const length = 8 + next(8);
    const topical = 1 + next(2);
    for (let w = 0; w < length; w++) words.push(FILLER[next(FILLER.length)] as string);
    for (let t = 0; t < topical; t++) {
      const topicWords = TOPICS[label] as string[];
      words.splice(next(words.length + 1), 0, topicWords[next(topicWords.length)] as string);
    }
    texts.push(words.join(' ') + (next(2) === 0 ? '.' : '!'));
    labels.push(label);
  }
  return { texts, labels };
}
