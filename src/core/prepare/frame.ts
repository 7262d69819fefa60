/**
 * The working representation of the preparation pipeline: the table's named typed columns, in
 * order, where encoding steps replace a column by a block of numeric features (dense, or CSR for
 * text so TF-IDF stays sparse). The pipeline's output is these parts laid side by side.
 */
import { Column, ColumnKind, iterStrings, NumericColumn, Table, takeColumnRows } from '../data/table';
import { looksLikeDates } from '../data/dates';
import { CsrMatrix, DenseMatrix, Matrix, MlError } from '../types';

export interface ColumnPart {
  readonly type: 'column';
  readonly column: Column;
}

export interface BlockPart {
  readonly type: 'block';
  /** The column (or step) the block was made from, named in error messages. */
  readonly source: string;
  readonly names: readonly string[];
  readonly matrix: Matrix;
}

export type FramePart = ColumnPart | BlockPart;

export interface Frame {
  readonly rowCount: number;
  readonly parts: readonly FramePart[];
}

/** Wraps a table's columns as the first frame of a pipeline. */
export function frameFromTable(table: Table): Frame {
  return { rowCount: table.rowCount, parts: table.columns.map((column) => ({ type: 'column', column })) };
}

/** The raw (not yet encoded) columns of a frame. */
export function frameColumns(frame: Frame): Column[] {
  return frame.parts.flatMap((p) => (p.type === 'column' ? [p.column] : []));
}

/** The column named `name`, or an MlError naming the step and the columns that exist. */
export function findColumn(frame: Frame, name: string, step: string): Column {
  const column = frameColumns(frame).find((c) => c.name === name);
  if (!column) {
    const names = frameColumns(frame).map((c) => c.name);
    const near = names.find((c) => c.toLowerCase() === name.toLowerCase());
    const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
    throw new MlError(`${step}: column "${name}" not found${hint}; columns at this step: ${names.join(', ') || '(none left)'}`);
  }
  return column;
}

/**
 * Names of the columns a step works on: the ones listed (each checked to exist and be of a kind
 * the step handles) or, when none are listed, every column of those kinds.
 */
export function chooseColumns(frame: Frame, listed: readonly string[] | undefined, kinds: readonly ColumnKind[], step: string): string[] {
  if (listed === undefined)
    return frameColumns(frame)
      .filter((c) => kinds.includes(c.kind))
      .map((c) => c.name);
  for (const name of listed) {
    const column = findColumn(frame, name, step);
    if (!kinds.includes(column.kind)) {
      throw new MlError(`${step}: column "${name}" is ${column.kind}, but this step handles ${kinds.join(' or ')} columns`);
    }
  }
  return [...listed];
}

/** A frame where each named column is replaced by what `replace` returns (a column, a block, or nothing). */
export function mapColumns(frame: Frame, replace: (column: Column) => FramePart | null | undefined): Frame {
  const parts: FramePart[] = [];
  for (const part of frame.parts) {
    if (part.type !== 'column') {
      parts.push(part);
      continue;
    }
    const next = replace(part.column);
    if (next === undefined) parts.push(part);
    else if (next !== null) parts.push(next);
  }
  return { rowCount: frame.rowCount, parts };
}

/** A frame holding only the rows at `indices` (row-dropping steps during fit). */
export function takeFrameRows(frame: Frame, indices: Int32Array): Frame {
  const n = indices.length;
  const parts = frame.parts.map((part): FramePart => {
    if (part.type === 'column') {
      return { type: 'column', column: takeColumnRows(part.column, indices) };
    }
    return { ...part, matrix: takeMatrixRows(part.matrix, indices) };
  });
  return { rowCount: n, parts };
}

function takeMatrixRows(matrix: Matrix, indices: Int32Array): Matrix {
  if (matrix.kind === 'dense') {
    const data = new Float64Array(indices.length * matrix.cols);
    indices.forEach((r, i) => data.set(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols), i * matrix.cols));
    return { kind: 'dense', rows: indices.length, cols: matrix.cols, data };
  }
  const indptr = new Int32Array(indices.length + 1);
  indices.forEach((r, i) => (indptr[i + 1] = (indptr[i] as number) + (matrix.indptr[r + 1] as number) - (matrix.indptr[r] as number)));
  const nnz = indptr[indices.length] as number;
  const outIndices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  indices.forEach((r, i) => {
    const start = matrix.indptr[r] as number;
    const end = matrix.indptr[r + 1] as number;
    outIndices.set(matrix.indices.subarray(start, end), indptr[i] as number);
    values.set(matrix.values.subarray(start, end), indptr[i] as number);
  });
  return { kind: 'csr', rows: indices.length, cols: matrix.cols, indptr, indices: outIndices, values };
}

/**
 * Lays the frame's parts side by side as one matrix (CSR when any block is sparse). Fails, naming
 * the column and the step to add, on string columns nobody encoded and on NaN/Infinity left over;
 * `allowMissing` lets NaN through, for a model that handles missing values itself.
 */
export function assembleFrame(frame: Frame, where: string, allowMissing = false): { X: Matrix; featureNames: string[] } {
  const featureNames: string[] = [];
  let sparse = false;
  // Unencoded string columns are reported before missing numbers: encoding them is the first fix.
  for (const part of frame.parts) if (part.type === 'column') checkKind(part.column, where);
  for (const part of frame.parts) {
    if (part.type === 'column') {
      reportBadNumbers((part.column as NumericColumn).values, part.column.name, where, allowMissing);
      featureNames.push(part.column.name);
    } else {
      checkBlock(part, where, allowMissing);
      featureNames.push(...part.names);
      if (part.matrix.kind === 'csr') sparse = true;
    }
  }
  if (featureNames.length === 0) throw new MlError(`${where}: no feature columns are left`);
  return { X: sparse ? toCsr(frame, featureNames.length) : toDense(frame, featureNames.length), featureNames };
}

/**
 * The frame's features as the numeric columns themselves (no copy) when every part is a numeric column, else
 * undefined: a model that fits on columns (LogisticRegression.fitColumns) then needs no row-major matrix. Checked as
 * assembleFrame checks them.
 */
export function frameAsColumns(frame: Frame, where: string, allowMissing = false): Float64Array[] | undefined {
  if (!frame.parts.every((part) => part.type === 'column' && part.column.kind === 'numeric')) return undefined;
  const columns = frame.parts.map((part) => (part as ColumnPart).column as NumericColumn);
  for (const column of columns) reportBadNumbers(column.values, column.name, where, allowMissing);
  if (columns.length === 0) throw new MlError(`${where}: no feature columns are left`);
  return columns.map((column) => column.values);
}

function checkKind(column: Column, where: string): void {
  if (column.kind === 'numeric') return;
  const name = column.name;
  const drop = `\`drop: { columns: [${name}] }\``;
  if (looksLikeDates(iterStrings(column))) {
    throw new MlError(
      `${where}: column "${name}" holds dates and no step encodes it; add \`datetime: { columns: [${name}] }\` to prepare (year, month, day, day of week as numbers), or ${drop} to leave it out`,
    );
  }
  if (column.kind === 'categorical') {
    throw new MlError(
      `${where}: column "${name}" is categorical and no step encodes it; add \`onehot: { columns: [${name}] }\` or \`ordinal: { columns: [${name}] }\` to prepare, or ${drop} to leave it out`,
    );
  }
  throw new MlError(
    `${where}: column "${name}" is text and no step encodes it; add \`text: { column: ${name} }\` to prepare (or onehot/ordinal if it is a category), or ${drop} to leave it out (an id, a name)`,
  );
}

function checkBlock(block: BlockPart, where: string, allowMissing: boolean): void {
  const values = block.matrix.kind === 'dense' ? block.matrix.data : block.matrix.values;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k] as number) && !(allowMissing && Number.isNaN(values[k] as number))) {
      const col = block.matrix.kind === 'dense' ? k % block.matrix.cols : (block.matrix.indices[k] as number);
      throw new MlError(
        `${where}: feature "${block.names[col]}" (from "${block.source}") holds ${values[k]}; add an \`impute\` step before the step that made it`,
      );
    }
  }
}

/** Whether reportBadNumbers would throw for these values. */
export function holdsBadNumbers(values: Float64Array, allowMissing = false): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v) && !(allowMissing && Number.isNaN(v))) return true;
  }
  return false;
}

/** Throws an MlError naming the column, the count and first row of NaN (unless `allowMissing`) or Infinity values. */
export function reportBadNumbers(values: Float64Array, name: string, where: string, allowMissing = false): void {
  let missing = 0;
  let infinite = 0;
  let firstMissing = -1;
  let firstInfinite = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) continue;
    if (Number.isNaN(v)) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
    } else {
      infinite++;
      if (firstInfinite < 0) firstInfinite = i;
    }
  }
  if (missing > 0 && !allowMissing) {
    throw new MlError(
      `${where}: column "${name}" still has ${missing} missing value(s) (first at row ${firstMissing + 1}); add \`impute: { columns: [${name}] }\` (or \`dropMissing\`) to prepare`,
    );
  }
  if (infinite > 0) {
    throw new MlError(
      `${where}: column "${name}" holds ${infinite} infinite value(s) (first at row ${firstInfinite + 1}); add \`clip: { columns: [${name}] }\` or fix the data`,
    );
  }
}

function toDense(frame: Frame, cols: number): DenseMatrix {
  const n = frame.rowCount;
  const data = new Float64Array(n * cols);
  // Runs of adjacent columns are copied row by row, all of a run's columns for a row at once: each column is read
  // and the matrix written in order (a column at a time would stride through the whole matrix once per column).
  let offset = 0;
  let run: Float64Array[] = [];
  const flush = (): void => {
    const width = run.length;
    if (width === 0) return;
    const start = offset - width;
    for (let i = 0; i < n; i++) {
      let at = i * cols + start;
      for (let c = 0; c < width; c++) data[at++] = (run[c] as Float64Array)[i] as number;
    }
    run = [];
  };
  for (const part of frame.parts) {
    if (part.type === 'column') {
      run.push((part.column as NumericColumn).values);
      offset += 1;
      continue;
    }
    flush();
    const m = part.matrix as DenseMatrix;
    for (let i = 0; i < n; i++) data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * cols + offset);
    offset += m.cols;
  }
  flush();
  return { kind: 'dense', rows: n, cols, data };
}

function toCsr(frame: Frame, cols: number): CsrMatrix {
  const n = frame.rowCount;
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    let offset = 0;
    for (const part of frame.parts) {
      if (part.type === 'column') {
        const v = (part.column as NumericColumn).values[i] as number;
        if (v !== 0) {
          indices.push(offset);
          values.push(v);
        }
        offset += 1;
        continue;
      }
      const m = part.matrix;
      if (m.kind === 'dense') {
        for (let j = 0; j < m.cols; j++) {
          const v = m.data[i * m.cols + j] as number;
          if (v !== 0) {
            indices.push(offset + j);
            values.push(v);
          }
        }
      } else {
        for (let k = m.indptr[i] as number; k < (m.indptr[i + 1] as number); k++) {
          indices.push(offset + (m.indices[k] as number));
          values.push(m.values[k] as number);
        }
      }
      offset += m.cols;
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', rows: n, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

/** Replaces the values of the named numeric columns by `map(column)`; other columns pass through. */
export function mapNumeric(frame: Frame, names: readonly string[], step: string, map: (column: Column & { kind: 'numeric' }) => Float64Array): Frame {
  for (const name of names) findColumn(frame, name, step);
  const wanted = new Set(names);
  return mapColumns(frame, (column) => {
    if (!wanted.has(column.name)) return undefined;
    if (column.kind !== 'numeric') throw new MlError(`${step}: column "${column.name}" is ${column.kind} now but was numeric when fitted`);
    return { type: 'column', column: { name: column.name, kind: 'numeric', values: map(column) } };
  });
}
