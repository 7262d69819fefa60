/**
 * Training beyond memory: a table too big to load is read from its file by DuckDB once per pass, in batches of
 * prepared numeric rows. The preparation is fitted by DuckDB aggregates over the training rows first and then
 * evaluated by DuckDB as SQL, so a batch arrives as the model's input, already imputed, scaled and one-hot encoded.
 *
 * Every row's split is a seeded hash of its row number in the file (`rowUnit`), computed in SQL and here alike,
 * so every pass (and every query) sees the same hold-out or the same k folds.
 */
import type { DenseMatrix, FitOptions, Task } from '../types';
import type { Model } from '../models/registry';

/** How the rows are split: a hold-out (fold 0 trains, fold 1 is held out) or k folds (fold 0..k-1). */
export type StreamSplit = { readonly method: 'holdout'; readonly testSize: number } | { readonly method: 'kfold'; readonly folds: number };

/** The fold id of the held-out rows of a hold-out split. */
export const HOLDOUT_FOLD = 1;
/** `heldOut` of a fit on every row (the refit for deployment): no fold is held out. */
export const NO_FOLD = -1;

/**
 * One batch of prepared rows, in file order. Its arrays are reused by the next batch: they are valid until the
 * callback's promise settles; copy what must outlive it.
 */
export interface StreamBatch {
  /** Rows in this batch. */
  readonly rows: number;
  /** rows × features, row-major (`x.data[i * features + j]`); the same buffer as `x.data`. */
  readonly x: DenseMatrix;
  /** Regression: the target value. Classification: the class's index in `StreamSource.classes` (0, 1, …). */
  readonly y: Float64Array;
  /** Each row's number in the file (0-based, counting every data row of the file, also those left out). */
  readonly rowNumbers: Float64Array;
  /** Each row's fold (see StreamSplit): the same on every pass. */
  readonly folds: Int32Array;
  /** 0-based index of this batch within the pass, and the pass's planned batch count. */
  readonly index: number;
  readonly of: number;
}

/** Which rows a pass or query reads, relative to the source's `heldOut` fold. */
export type StreamRows = 'train' | 'heldOut' | 'all';

export interface PassOptions {
  /** Default 'train': the rows whose fold is not `heldOut` (every row when heldOut is NO_FOLD). */
  readonly rows?: StreamRows;
  readonly signal?: AbortSignal;
  /** Words for the progress events of this pass, such as "iteration 3" (default "pass N"). */
  readonly label?: string;
}

/** Column names of the relation `StreamSource.query` hands its builder. */
export const STREAM_COLUMNS = {
  /** The row's number in the file (BIGINT, 0-based). */
  row: 'row_number',
  /** The row's fold (INTEGER). */
  fold: 'fold',
  /** The target: DOUBLE value (regression) or INTEGER class index (classification). */
  y: 'y',
} as const;

/** The relation's column of prepared feature j (DOUBLE, never NULL): x0, x1, …, in `featureNames` order. */
export const featureColumn = (j: number): string => `x${j}`;

/**
 * A streamed table prepared for one fit: the preparation was fitted on the rows whose fold is not `heldOut`.
 * Made by the trainer (stream/train.ts); a streamed learner only reads it.
 */
export interface StreamSource {
  readonly task: Task;
  /** Names of the prepared features, as the in-memory pipeline names them. */
  readonly featureNames: readonly string[];
  /** Classification: the sorted class labels (`y` holds indices into this). Empty for regression. */
  readonly classes: readonly string[];
  readonly split: StreamSplit;
  /** The fold this source holds out (NO_FOLD: none). */
  readonly heldOut: number;
  /** Rows read by a pass of each kind (rows whose target is missing are not counted when they are left out). */
  readonly rowCounts: Readonly<Record<StreamRows, number>>;
  /** Rows per batch (the last batch of a pass may hold fewer). */
  readonly batchSize: number;
  /** Passes read so far over this source's file (by any source of the same run). */
  readonly passes: () => number;

  /**
   * Reads the rows once, in file order, handing each batch to `onBatch` (awaited before the next is read).
   * Reports progress per batch; an aborted signal interrupts DuckDB and rejects with CancelledError.
   */
  pass(onBatch: (batch: StreamBatch) => void | Promise<void>, options?: PassOptions): Promise<void>;

  /**
   * Runs one DuckDB query over the prepared rows: `build` gets the relation (a parenthesised subquery with the
   * columns of STREAM_COLUMNS, x0…x{n-1} and `keep`) and the SQL condition that keeps the rows of `rows` (default 'train'),
   * and returns the whole statement, for example
   * `(relation, where) => \`SELECT quantile_cont(x0, [0.25, 0.5, 0.75]) FROM ${relation} WHERE ${where}\``.
   * Returns the result rows as plain values: numbers (BIGINT, DECIMAL and HUGEINT as number), strings, booleans,
   * null, and arrays for LIST values. Reads the file once; counts as a pass.
   */
  query(build: (relation: string, where: string) => string, options?: { readonly rows?: StreamRows; readonly signal?: AbortSignal }): Promise<unknown[][]>;
}

/**
 * A model type that learns from a StreamSource: fits on the source's training rows and returns the same fitted model
 * class as the in-memory fit (so saving, serving and export work unchanged). Progress goes to `options.onProgress`
 * (a stage such as 'iteration' or 'tree', step/of); `options.signal` is checked between batches.
 */
export interface StreamLearner {
  fit(source: StreamSource, options: FitOptions): Promise<Model>;
}

/** Makes a StreamLearner from the experiment's model parameters and task. */
export type StreamLearnerFactory = (params: Readonly<Record<string, unknown>>, task: Task) => StreamLearner;

const TWO_32 = 4294967296;

/** The seed's share of the row hash: (seed × golden ratio) mod 2^32, exact for any integer seed. */
export function seedOffset(seed: number): number {
  return Math.imul(seed | 0, 0x9e3779b9) >>> 0;
}

/**
 * A row's place in [0, 1): MurmurHash3's 32-bit finaliser of (row + seedOffset(seed)) mod 2^32. `rowUnitSql`
 * computes the same number in DuckDB.
 */
export function rowUnit(row: number, seed: number): number {
  let k = ((row % TWO_32) + seedOffset(seed)) % TWO_32;
  k ^= k >>> 16;
  k = Math.imul(k, 0x85ebca6b) >>> 0;
  k ^= k >>> 13;
  k = Math.imul(k, 0xc2b2ae35) >>> 0;
  k ^= k >>> 16;
  return (k >>> 0) / TWO_32;
}

/** A row's fold under a split: hold-out 1 when its unit falls below testSize, else 0; k-fold floor(unit × k). */
export function rowFold(row: number, seed: number, split: StreamSplit): number {
  const unit = rowUnit(row, seed);
  return split.method === 'holdout' ? (unit < split.testSize ? HOLDOUT_FOLD : 0) : Math.min(split.folds - 1, Math.floor(unit * split.folds));
}

/** DuckDB SQL for rowUnit of the BIGINT expression `row` (UBIGINT arithmetic: every product stays below 2^64). */
export function rowUnitSql(row: string, seed: number): string {
  const k0 = `((${row})::UBIGINT % ${TWO_32} + ${seedOffset(seed)}) % ${TWO_32}`;
  const k1 = `xor(${k0}, ${k0} >> 16)`;
  // Each step is a macro-like nesting; DuckDB folds the repeats.
  const k2 = `((${k1}) * 2246822507) % ${TWO_32}`;
  const k3 = `xor(${k2}, (${k2}) >> 13)`;
  const k4 = `((${k3}) * 3266489909) % ${TWO_32}`;
  const k5 = `xor(${k4}, (${k4}) >> 16)`;
  return `((${k5})::DOUBLE / ${TWO_32})`;
}

/** DuckDB SQL for rowFold of the BIGINT expression `row`. */
export function rowFoldSql(row: string, seed: number, split: StreamSplit): string {
  const unit = rowUnitSql(row, seed);
  return split.method === 'holdout'
    ? `(CASE WHEN ${unit} < ${split.testSize} THEN ${HOLDOUT_FOLD} ELSE 0 END)`
    : `least(${split.folds - 1}, floor(${unit} * ${split.folds})::INTEGER)`;
}

/**
 * The SQL condition that keeps `rows` of a source holding out `heldOut`, over its relation (STREAM_COLUMNS and the
 * BOOLEAN column `keep`: false for a training row that a dropMissing step leaves out).
 */
export function rowsCondition(rows: StreamRows, heldOut: number): string {
  const fold = STREAM_COLUMNS.fold;
  if (heldOut === NO_FOLD) return rows === 'heldOut' ? 'false' : 'keep';
  if (rows === 'heldOut') return `${fold} = ${heldOut}`;
  return rows === 'train' ? `(${fold} <> ${heldOut} AND keep)` : `(${fold} = ${heldOut} OR keep)`;
}
