/**
 * Tables and targets on their way to worker threads: their typed arrays are moved into shared memory (a
 * SharedArrayBuffer is shared by postMessage, not copied), so a fold or importance task's input carries no per-row
 * JavaScript values to structured-clone. A categorical column's codes go shared and only its distinct categories are
 * cloned, a text column's bytes and offsets go shared; a classification target goes as codes into its distinct labels and is rebuilt on the worker's side.
 */
import type { Column, Table } from '../data/table';
import type { Target } from '../types';
import { shared } from './pool';

/** The table with every column's typed array in shared memory (columns already shared are kept as they are). */
export function sharedTable(table: Table): Table {
  return {
    rowCount: table.rowCount,
    columns: table.columns.map((column): Column =>
      column.kind === 'numeric'
        ? { ...column, values: shared(column.values) }
        : column.kind === 'text'
          ? { ...column, bytes: shared(column.bytes), offsets: shared(column.offsets) }
          : { ...column, codes: shared(column.codes) },
    ),
  };
}

/** A target as a worker receives it: numbers in shared memory, or labels as shared codes into the distinct labels. */
export type SharedTarget =
  { readonly kind: 'numbers'; readonly values: Float64Array } | { readonly kind: 'labels'; readonly codes: Int32Array; readonly labels: readonly string[] };

/** Packs a target for workers (see SharedTarget). */
export function shareTarget(y: Target): SharedTarget {
  if (y instanceof Float64Array) return { kind: 'numbers', values: shared(y) };
  const index = new Map<string, number>();
  const labels: string[] = [];
  const codes = new Int32Array(new SharedArrayBuffer(y.length * Int32Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < y.length; i++) {
    const label = y[i] as string;
    let code = index.get(label);
    if (code === undefined) {
      code = labels.push(label) - 1;
      index.set(label, code);
    }
    codes[i] = code;
  }
  return { kind: 'labels', codes, labels };
}

/** The target a SharedTarget packed (labels rebuilt from the codes, each label string shared by its rows). */
export function unshareTarget(y: SharedTarget): Target {
  if (y.kind === 'numbers') return y.values;
  const out = new Array<string>(y.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = y.labels[y.codes[i] as number] as string;
  return out;
}
