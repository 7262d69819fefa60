/**
 * Shared by the ONNX export tests: trains a run of an experiment on a fixture dataset (with a
 * categorical column and missing cells added), exports it to ONNX, and compares onnxruntime-node's
 * outputs on held-out rows with the run's own predictions; checks the file with the onnx checker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Column, type Table, stringColumn } from '../../../src/core/data/table';
import { exportOnnx } from '../../../src/core/export/onnx';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';

const datasets = path.join(__dirname, '..', '..', 'fixtures', 'datasets');

export type Cell = number | string | null;

export interface Rows {
  readonly header: string[];
  readonly rows: Cell[][];
}

/**
 * A fixture dataset with two columns added, so every step has work: `colour` (categorical, from the
 * row's position, some missing) and some missing cells in the first numeric column.
 */
export function mixedRows(name: 'iris' | 'diabetes' | 'breast_cancer', withMissing = true): Rows {
  const lines = readFileSync(path.join(datasets, `${name}.csv`), 'utf8')
    .trim()
    .split(/\r?\n/);
  const header = (lines[0] as string).split(',');
  const colours = ['red', 'green', 'blue', 'black'];
  const rows = lines.slice(1).map((line, i) => {
    const cells: Cell[] = line.split(',').map((v) => (v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v));
    if (withMissing && i % 7 === 3) cells[0] = null;
    const colour = withMissing && i % 11 === 5 ? null : (colours[(i * 7) % 4] as string);
    return [colour, ...cells];
  });
  return { header: ['colour', ...header], rows };
}

/** Every fifth row held out; the rest written as the training CSV. */
export function split(data: Rows): { train: Rows; heldOut: Rows } {
  return {
    train: { header: data.header, rows: data.rows.filter((_, i) => i % 5 !== 2) },
    heldOut: { header: data.header, rows: data.rows.filter((_, i) => i % 5 === 2) },
  };
}

function csv(data: Rows): string {
  return `${[data.header.join(','), ...data.rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n')}\n`;
}

export interface TrainedRun {
  readonly runDir: string;
  readonly heldOut: Rows;
  readonly target: string;
}

/** Trains an experiment (YAML lines after `data:`) on the training rows of `data`. */
export async function trainRun(label: string, data: Rows, target: string, experiment: string[]): Promise<TrainedRun> {
  const root = mkdtempSync(path.join(tmpdir(), `mlwb-onnx-${label}-`));
  const { train, heldOut } = split(data);
  writeFileSync(path.join(root, 'data.csv'), csv(train));
  const file = path.join(root, `${label}.experiment.yaml`);
  writeFileSync(file, [`name: ${label}`, `data: { path: data.csv, target: ${target} }`, ...experiment, 'seed: 3', ''].join('\n'));
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  if (record.status !== 'completed') throw new Error(`training ${label} failed: ${record.reason ?? ''}`);
  return { runDir: new RunStore(root).runDir(record.id), heldOut, target };
}

export interface Agreement {
  /** Largest |onnx − mlwb| over probabilities (classifiers) or values (regressors, relative to max(1, |value|)). */
  readonly maxDifference: number;
  readonly rows: number;
  readonly file: string;
}

/** Exports the run to ONNX, checks it, runs it on the held-out rows and compares with the run's predictions. */
export async function exportAndCompare(run: TrainedRun, tolerance = 1e-5): Promise<Agreement> {
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-onnx-out-')), 'onnx');
  const result = exportOnnx(run.runDir, outDir);
  assert.deepEqual(result.files, ['model.onnx']);
  const file = path.join(outDir, 'model.onnx');
  checkWithOnnx(file);

  const loaded = await loadRunModel(run.runDir);
  const features = loaded.schema.features;
  const targetIndex = run.heldOut.header.indexOf(run.target);
  const columnOf = (name: string): Cell[] => {
    const j = run.heldOut.header.indexOf(name);
    return run.heldOut.rows.map((r) => r[j] ?? null);
  };
  assert.ok(targetIndex >= 0);
  const table: Table = {
    rowCount: run.heldOut.rows.length,
    columns: features.map((f): Column => {
      const cells = columnOf(f.name);
      return f.kind === 'numeric'
        ? { name: f.name, kind: 'numeric', values: Float64Array.from(cells, (v) => (v === null ? NaN : Number(v))) }
        : stringColumn(
            f.name,
            f.kind,
            cells.map((v) => (v === null ? null : String(v))),
          );
    }),
  };
  const expected = loaded.predict(table);

  const session = await ort.InferenceSession.create(file);
  const n = table.rowCount;
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of features) {
    const cells = columnOf(f.name);
    feeds[f.name] =
      f.kind === 'numeric'
        ? new ort.Tensor(
            'float32',
            Float32Array.from(cells, (v) => (v === null ? NaN : Number(v))),
            [n, 1],
          )
        : new ort.Tensor(
            'string',
            cells.map((v) => (v === null ? '' : String(v))),
            [n, 1],
          );
  }
  assert.deepEqual([...session.inputNames].sort(), features.map((f) => f.name).sort());
  const got = await session.run(feeds);
  let maxDifference = 0;
  if (loaded.schema.task === 'classification') {
    assert.deepEqual([...session.outputNames], ['label', 'probabilities']);
    const labels = Array.from(got.label?.data as ArrayLike<string>);
    assert.deepEqual(labels, expected.predictions.map(String), 'labels');
    const probabilities = got.probabilities as ort.Tensor;
    const k = loaded.schema.labels?.length ?? 0;
    assert.deepEqual(probabilities.dims, [n, k]);
    const data = probabilities.data as Float32Array;
    (expected.probabilities ?? []).forEach((row, i) =>
      row.forEach((p, c) => (maxDifference = Math.max(maxDifference, Math.abs((data[i * k + c] as number) - p)))),
    );
  } else {
    assert.deepEqual([...session.outputNames], ['variable']);
    const variable = got.variable as ort.Tensor;
    assert.deepEqual(variable.dims, [n, 1]);
    const data = variable.data as Float32Array;
    expected.predictions.forEach((v, i) => {
      const value = Number(v);
      maxDifference = Math.max(maxDifference, Math.abs((data[i] as number) - value) / Math.max(1, Math.abs(value)));
    });
  }
  assert.ok(maxDifference <= tolerance, `largest difference ${maxDifference} exceeds ${tolerance}`);
  return { maxDifference, rows: n, file };
}

const TARGETS = { iris: 'species', diabetes: 'progression', breast_cancer: 'diagnosis' } as const;

/** A fixture dataset of mixedRows; diabetes is the regression one. */
export type FixtureName = keyof typeof TARGETS;

/** The validation of every round trip. */
export const HOLDOUT = 'validation: { method: holdout, test_size: 0.2 }';

/** Numbers imputed by their median, `colour` by its most frequent value, then one-hot encoded. */
export const IMPUTE_ONEHOT = [
  'prepare:',
  '  - impute: { strategy: median }',
  '  - impute: { columns: [colour], strategy: most_frequent }',
  '  - onehot: { columns: [colour] }',
];

/** IMPUTE_ONEHOT, then standard scaling. */
export const IMPUTE_ONEHOT_SCALE = [...IMPUTE_ONEHOT, '  - scale: { method: standard }'];

/**
 * Trains `model` (a `model:` line) after the `prepare` lines on a mixedRows fixture (diabetes as a regression)
 * with HOLDOUT, exports the run to ONNX, compares it with the run and logs the largest difference.
 */
export async function roundTrip(label: string, dataset: FixtureName, prepare: readonly string[], model: string, description = label): Promise<Agreement> {
  const task = dataset === 'diabetes' ? ['task: regression'] : [];
  const run = await trainRun(label, mixedRows(dataset), TARGETS[dataset], [...prepare, ...task, model, HOLDOUT]);
  const agreement = await exportAndCompare(run);
  console.log(description, agreement.maxDifference);
  return agreement;
}

/** onnx.checker.check_model(full_check=True) under Debian's python3-onnx. */
export function checkWithOnnx(file: string): void {
  const script = 'import onnx, sys\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint("ok", m.ir_version)';
  const result = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `onnx checker failed on ${file}:\n${result.stderr}`);
}
