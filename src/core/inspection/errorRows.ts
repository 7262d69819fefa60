/**
 * Error analysis of a run: the held-out rows the model got wrong (classification) or missed by the
 * most (regression), with their feature values, kept beside the run as errors.json so the
 * dashboard can list them and open the data file at each one.
 */
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { cellAt, type Table } from '../data/table';
import { isRecord } from '../json';
import type { DenseMatrix, Target, Task } from '../types';

/** Most rows a run keeps in errors.json. */
export const MAX_ERROR_ROWS = 200;
/** Most feature columns kept per row (a wide table would make errors.json huge). */
export const MAX_ERROR_COLUMNS = 50;
/** Longer text cells are cut to this many characters. */
const MAX_CELL_CHARS = 200;

export const ERRORS_FILE = 'errors.json';

export type Cell = string | number | null;

export interface ErrorRow {
  /** 1-based data row of the data file (as the preview numbers rows); null for a row that came from feedback. */
  readonly row: number | null;
  readonly actual: string | number;
  readonly predicted: string | number;
  /** Classification: the model's probability of the class it predicted (when it gives probabilities). */
  readonly probability?: number;
  /** Regression: actual − predicted. */
  readonly residual?: number;
  /** Feature values in `columns` order, as read from the data file (NaN/missing as null). */
  readonly values: readonly Cell[];
}

export interface ErrorTable {
  readonly kind: 'misclassified' | 'residuals';
  /** Held-out rows scored (the hold-out set, or every row for cross-validation's out-of-fold predictions). */
  readonly scored: number;
  /** Misclassified rows in all (classification) or rows scored (regression), before the cut to `rows.length`. */
  readonly total: number;
  readonly columns: readonly string[];
  /** Feature columns not kept (past MAX_ERROR_COLUMNS). */
  readonly columnsLeftOut: number;
  readonly rows: readonly ErrorRow[];
}

export interface ErrorSelectionInput {
  readonly task: Task;
  /** Target of every row of `features` (in table order). */
  readonly y: Target;
  /** Scored rows, ascending, as indexes into `features`; predictions and probabilities in that order. */
  readonly rows: readonly number[];
  readonly predictions: Target;
  readonly proba?: DenseMatrix;
  /** Column order of `proba`. */
  readonly labels?: readonly string[];
  readonly limit?: number;
}

/** One selected row, as an index into the scored rows and its table index. */
export interface SelectedError {
  readonly index: number;
  readonly actual: string | number;
  readonly predicted: string | number;
  readonly probability?: number;
  readonly residual?: number;
}

/**
 * Picks the rows to show: misclassified rows, most confident mistakes first (the model's probability
 * of its wrong class, descending; without probabilities, in row order), or the largest absolute
 * residuals first. Ties keep row order. Returns the table indexes with what was predicted, and the
 * count before the cut.
 */
export function selectErrorRows(input: ErrorSelectionInput): { selected: SelectedError[]; total: number } {
  const limit = input.limit ?? MAX_ERROR_ROWS;
  const candidates: (SelectedError & { key: number })[] = [];
  input.rows.forEach((tableIndex, i) => {
    const actual = input.y[tableIndex] as string | number;
    const predicted = input.predictions[i] as string | number;
    if (input.task === 'regression') {
      const residual = (actual as number) - (predicted as number);
      // A NaN residual (a model that predicted NaN) sorts first: it is the worst miss there is.
      candidates.push({ index: tableIndex, actual, predicted, residual, key: Number.isNaN(residual) ? Infinity : Math.abs(residual) });
      return;
    }
    if (String(actual) === String(predicted)) return;
    const column = input.labels?.indexOf(String(predicted)) ?? -1;
    const probability = input.proba && column >= 0 ? (input.proba.data[i * input.proba.cols + column] as number) : undefined;
    candidates.push({ index: tableIndex, actual, predicted, ...(probability !== undefined ? { probability } : {}), key: probability ?? 0 });
  });
  const total = candidates.length;
  candidates.sort((a, b) => b.key - a.key || a.index - b.index);
  return { selected: candidates.slice(0, limit).map(({ key: _key, ...rest }) => rest), total };
}

function cellOf(table: Table, columnIndex: number, row: number): Cell {
  const column = table.columns[columnIndex];
  if (!column) return null;
  if (row >= table.rowCount) return null;
  const value = cellAt(column, row);
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS)}…` : value;
}

/**
 * The error table of a run: the selected rows with their feature values. `fileRow` maps a table
 * index to the 1-based data row of the file (null for rows that are not in it, such as feedback).
 */
export function errorTable(features: Table, input: ErrorSelectionInput, fileRow: (index: number) => number | null): ErrorTable {
  const { selected, total } = selectErrorRows(input);
  const kept = Math.min(features.columns.length, MAX_ERROR_COLUMNS);
  const finiteOrNull = (value: number | undefined): number | undefined => (value === undefined ? undefined : Number.isFinite(value) ? value : undefined);
  return {
    kind: input.task === 'regression' ? 'residuals' : 'misclassified',
    scored: input.rows.length,
    total,
    columns: features.columns.slice(0, kept).map((c) => c.name),
    columnsLeftOut: features.columns.length - kept,
    rows: selected.map((s) => {
      const probability = finiteOrNull(s.probability);
      const residual = finiteOrNull(s.residual);
      return {
        row: fileRow(s.index),
        actual: s.actual,
        predicted: typeof s.predicted === 'number' && !Number.isFinite(s.predicted) ? String(s.predicted) : s.predicted,
        ...(probability !== undefined ? { probability } : {}),
        ...(residual !== undefined ? { residual } : {}),
        values: Array.from({ length: kept }, (_, c) => cellOf(features, c, s.index)),
      };
    }),
  };
}

const isCell = (value: unknown): value is Cell => value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** Reads a run's errors.json, checked field by field; undefined when absent or not of this shape. */
export function readErrorTable(runDir: string): ErrorTable | undefined {
  const file = path.join(runDir, ERRORS_FILE);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  return parseErrorTable(value);
}

/** Checks an error table read from a file (anyone may edit a run's files). */
export function parseErrorTable(value: unknown): ErrorTable | undefined {
  if (!isRecord(value) || (value.kind !== 'misclassified' && value.kind !== 'residuals')) return undefined;
  if (!Array.isArray(value.columns) || !value.columns.every((c) => typeof c === 'string') || !Array.isArray(value.rows)) return undefined;
  const width = value.columns.length;
  const rows: ErrorRow[] = [];
  for (const row of value.rows) {
    if (!isRecord(row) || !Array.isArray(row.values) || row.values.length !== width || !row.values.every(isCell)) return undefined;
    if (!(row.row === null || (typeof row.row === 'number' && Number.isInteger(row.row) && row.row >= 1))) return undefined;
    if (!isCell(row.actual) || row.actual === null || !isCell(row.predicted) || row.predicted === null) return undefined;
    rows.push({
      row: row.row,
      actual: row.actual,
      predicted: row.predicted,
      ...(typeof row.probability === 'number' && Number.isFinite(row.probability) ? { probability: row.probability } : {}),
      ...(typeof row.residual === 'number' && Number.isFinite(row.residual) ? { residual: row.residual } : {}),
      values: row.values,
    });
  }
  const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return {
    kind: value.kind,
    scored: count(value.scored),
    total: count(value.total),
    columns: value.columns as string[],
    columnsLeftOut: count(value.columnsLeftOut),
    rows,
  };
}
