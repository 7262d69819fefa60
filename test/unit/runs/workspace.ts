/** Shared by the runs tests: a temporary workspace with a fixture dataset and one experiment file, and the sweep they train. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');

/** A new folder holding the fixture `dataset` (iris.csv by default) and the experiment file `name` of `lines`. */
export function experimentWorkspace(prefix: string, name: string, lines: readonly string[], dataset = 'iris.csv'): { root: string; file: string } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(path.join(fixtures, 'datasets', dataset), path.join(root, dataset));
  const file = path.join(root, name);
  writeFileSync(file, [...lines, ''].join('\n'));
  return { root, file };
}

export interface TreeSweep {
  /** The experiment's `validation:` value; 3-fold by default. */
  readonly validation?: string;
  /** The experiment's `search:` value; six candidates scored by f1_macro by default. */
  readonly search?: string;
  /** The experiment's seed; none by default. */
  readonly seed?: number;
}

/** The lines of a grid search over decision trees on iris.csv, named `sweep`. */
export function treeSweep(options: TreeSweep = {}): string[] {
  const {
    validation = '{ method: kfold, folds: 3 }',
    search = '{ method: grid, metric: f1_macro, params: { max_depth: [1, 2, 3], min_samples_leaf: [1, 5] } }',
    seed,
  } = options;
  return [
    'name: sweep',
    'data: { path: iris.csv, target: species }',
    'model: { type: decision_tree }',
    `validation: ${validation}`,
    `search: ${search}`,
    ...(seed === undefined ? [] : [`seed: ${seed}`]),
  ];
}
