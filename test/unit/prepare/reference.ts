// Loads the scikit-learn figures written by bench/reference/prepare.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CsrJSON {
  rows: number;
  cols: number;
  indptr: number[];
  indices: number[];
  values: number[];
}

export type Grid = Array<Array<number | null>>;

export interface PrepareReference {
  corpus: string[];
  test_docs: Array<string | null>;
  stop_words: string[];
  tfidf: Array<{
    name: string;
    method: 'tfidf' | 'count';
    options: Record<string, unknown>;
    vocabulary: string[];
    idf: number[];
    fit: CsrJSON;
    test: CsrJSON;
  }>;
  argsort: Array<{ values: number[]; order: number[] }>;
  pca: Record<
    string,
    {
      n_components: number | null;
      components: number[][];
      explained_variance: number[];
      explained_variance_ratio: number[];
      transformed: number[][];
    }
  >;
  scalers: { train: Grid; test: Grid } & Record<'standard' | 'minmax' | 'robust', { train: Grid; test: Grid }>;
  imputers: { train: Grid; test: Grid; strings: { values: Array<string | null>; most_frequent: string } } & Record<
    'mean' | 'median' | 'most_frequent' | 'constant',
    { statistics: number[]; test: Grid }
  >;
  encoders: {
    columns: string[];
    train: string[][];
    test: string[][];
    onehot: { feature_names: string[]; train: number[][]; test: number[][] };
    ordinal: { train: number[][]; test: number[][] };
  };
  selection: {
    variance: { threshold: number; support: boolean[]; variances: number[] };
    lasso: { alpha: number; coef: number[]; support: boolean[] };
  };
  quantiles: { values: number[]; quantiles: Record<string, number> };
}

const root = join(__dirname, '..', '..', '..');

export const reference = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'reference', 'prepare.json'), 'utf8')) as PrepareReference;

/** Reads a fixture CSV (no quotes): header, numeric feature rows, last column as strings. */
export function readDataset(name: string): { header: string[]; rows: number[][]; target: string[] } {
  const lines = readFileSync(join(root, 'test', 'fixtures', 'datasets', name), 'utf8')
    .trim()
    .split('\n');
  const header = (lines[0] as string).split(',');
  const rows: number[][] = [];
  const target: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    target.push(cells.pop() as string);
    rows.push(cells.map(Number));
  }
  return { header, rows, target };
}
