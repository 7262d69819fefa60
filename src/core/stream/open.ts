/**
 * A dataset file opened for streamed training: its columns, target, task, classes and split read by DuckDB
 * aggregates, and one StreamSource per fit (see source.ts). A source's first pass reads the prepared rows from the
 * file through DuckDB into a binary cache (Float64, row after row) in a temporary folder; later passes read the
 * cache, so an optimiser that needs a hundred passes parses the file once.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { stringKind, textExpression, typedExpression, type ColumnPlan } from '../datasets/columns';
import type { DatasetEngine } from '../datasets/engine';
import { columnPlans } from '../datasets/head';
import type { PipelineJSON } from '../prepare/pipeline';
import { sortLabels } from '../metrics';
import { MlError, throwIfAborted, type ProgressEvent, type Task } from '../types';
import { MAX_CLASSES } from '../experiment/train';
import { fitStreamPreparation, sqlString, type SqlColumn } from './prepare';
import {
  HOLDOUT_FOLD,
  NO_FOLD,
  rowFoldSql,
  rowsCondition,
  STREAM_COLUMNS,
  featureColumn,
  type PassOptions,
  type StreamBatch,
  type StreamRows,
  type StreamSource,
  type StreamSplit,
} from './source';

export interface StreamTableOptions {
  readonly target: string;
  /** `task` of the experiment; inferred from the target as the in-memory run does when undefined. */
  readonly task?: Task;
  /** Rows whose target is missing are left out before the split (a dropMissing step names the target). */
  readonly leaveOutMissingTarget: boolean;
  readonly seed: number;
  /** The validation as the experiment gives it: a hold-out's test_size (fraction or rows) or k folds. */
  readonly validation: { readonly method: 'holdout'; readonly test_size: number } | { readonly method: 'kfold'; readonly folds: number };
  readonly batchSize: number;
  /** Bytes an exact quantile query may hold (median impute, robust scale). */
  readonly quantileBytes: number;
  /** Folder for the pass caches (removed by close()). */
  readonly cacheDir: string;
  /** Words for the memory limit in refusals ("512 MB"). */
  readonly budget: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Prefix of the stages of DuckDB's own progress (a percentage of the file read) among a table's progress events. */
export const DUCKDB_STAGE = 'duckdb:';

/** Most distinct values of a numeric target that is read as class labels when the task is inferred (data/target.ts). */
const MAX_INFERRED_CLASSES = 20;
const MAX_INFERRED_CLASS_SHARE = 0.05;

/** The streamed view of a dataset file for one run. */
export class StreamTable {
  private passCount = 0;
  private readonly caches = new Set<string>();

  private constructor(
    private readonly engine: DatasetEngine,
    readonly filePath: string,
    private readonly options: StreamTableOptions,
    /** Feature columns as SQL over the labelled relation. */
    readonly columns: readonly SqlColumn[],
    readonly targetKind: 'numeric' | 'categorical' | 'text',
    private readonly targetSql: string,
    readonly task: Task,
    readonly taskReason: string,
    readonly classes: readonly string[],
    readonly split: StreamSplit,
    /** Data rows of the file. */
    readonly fileRows: number,
    /** Rows left out before the split because their target is missing. */
    readonly missingTargetRows: number,
    private readonly foldCounts: ReadonlyMap<number, number>,
    private readonly labelledFrom: (from: string) => string,
  ) {}

  /** Reads the file's columns and target by DuckDB aggregates (two scans of the file). */
  static async open(engine: DatasetEngine, filePath: string, options: StreamTableOptions): Promise<StreamTable> {
    const query = {
      signal: options.signal,
      onProgress: options.onProgress && ((e: ProgressEvent) => options.onProgress?.({ ...e, stage: `${DUCKDB_STAGE}scan` })),
    };
    const plans = await columnPlans(engine, filePath, query);
    const targetIndex = plans.findIndex((p) => p.name === options.target);
    if (targetIndex < 0) throw new MlError(`target column "${options.target}" not found; the table has: ${plans.map((p) => p.name).join(', ')}`);
    if (plans.length < 2) throw new MlError(`the table has no feature columns besides the target "${options.target}"`);
    const alias = (i: number): string => `c${i}`;
    const numeric = plans.map((p) => p.type === 'integer' || p.type === 'float');
    const value = (plan: ColumnPlan, i: number): string => {
      if (!numeric[i]) return textExpression(plan);
      const typed = typedExpression(plan);
      return `(CASE WHEN isnan(${typed}) THEN NULL ELSE ${typed} END)`;
    };
    const base = (from: string): string =>
      `SELECT row_number() OVER () - 1 AS ${STREAM_COLUMNS.row}, ${plans.map((p, i) => `${value(p, i)} AS ${alias(i)}`).join(', ')} FROM ${from}`;
    const target = alias(targetIndex);
    const strings = plans.map((_, i) => i).filter((i) => !numeric[i]);
    const shapeSelect = [
      'count(*)',
      `count(${target})`,
      `count(DISTINCT ${target})`,
      numeric[targetIndex] ? `coalesce(bool_and(${target} = round(${target})), true)` : 'true',
      ...strings.flatMap((i) => [`count(${alias(i)})`, `count(DISTINCT ${alias(i)})`, `coalesce(avg(length(${alias(i)})), 0)`]),
    ];
    const { reader } = await engine.querySource(filePath, (from) => `SELECT ${shapeSelect.join(', ')} FROM (${base(from)})`, query);
    const shape = (reader.getRowsJS()[0] ?? []).map((v) => (typeof v === 'boolean' ? v : Number(v)));
    const [fileRows = 0, presentTarget = 0, distinctTarget = 0, integral = true] = shape as [number, number, number, boolean];
    if (fileRows === 0) throw new MlError(`the data file ${path.basename(filePath)} has no rows`);
    const kinds = plans.map((_, i): 'numeric' | 'categorical' | 'text' => {
      if (numeric[i]) return 'numeric';
      const s = strings.indexOf(i);
      const [present = 0, distinct = 0, length = 0] = shape.slice(4 + 3 * s, 7 + 3 * s) as number[];
      return stringKind(distinct, present, length);
    });
    const targetName = options.target;
    if (presentTarget === 0) throw new MlError(`target "${targetName}" has no values`);
    const missingTarget = fileRows - presentTarget;
    if (missingTarget > 0 && !options.leaveOutMissingTarget) {
      throw new MlError(
        `target "${targetName}" is missing in ${missingTarget} row(s); add \`dropMissing: { columns: [${targetName}] }\` to prepare to leave out the rows without a target (or fill them in the data)`,
      );
    }
    const inferred =
      options.task === undefined
        ? inferStreamTask(targetName, numeric[targetIndex] === true, kinds[targetIndex] ?? 'text', presentTarget, distinctTarget, integral)
        : undefined;
    const task: Task = options.task ?? (inferred as { task: Task }).task;
    const taskReason = inferred?.reason ?? `task: ${task} is set in the experiment`;
    let classes: string[] = [];
    let targetSql = target;
    if (task === 'classification') {
      if (distinctTarget > MAX_CLASSES)
        throw new MlError(
          `target "${targetName}" has ${distinctTarget.toLocaleString('en')} classes; classification takes at most ${MAX_CLASSES.toLocaleString('en')}: is "${targetName}" an id or a measurement?`,
        );
      const { reader: distinct } = await engine.querySource(
        filePath,
        (from) => `SELECT list(DISTINCT ${target}) FROM (${base(from)}) WHERE ${target} IS NOT NULL`,
        query,
      );
      const values = ((distinct.getRowsJS()[0]?.[0] as unknown[] | null) ?? []).map((v) => (typeof v === 'bigint' ? Number(v) : v));
      classes = sortLabels(values.map(String));
      if (classes.length < 2) throw new MlError(`target "${targetName}" has a single class ("${classes[0] ?? ''}"); classification needs at least two`);
      const literal = numeric[targetIndex] ? (label: string) => `${Number(label)}::DOUBLE` : (label: string) => sqlString(label);
      targetSql = `(list_position([${classes.map(literal).join(', ')}], ${target}) - 1)::DOUBLE`;
    } else if (!numeric[targetIndex]) {
      throw new MlError(`target "${targetName}" holds text; regression needs a numeric target (or set \`task: classification\`)`);
    }
    const kept = fileRows - (options.leaveOutMissingTarget ? missingTarget : 0);
    const v = options.validation;
    const split: StreamSplit =
      v.method === 'kfold'
        ? { method: 'kfold', folds: v.folds }
        : { method: 'holdout', testSize: v.test_size >= 1 ? Math.min(1, v.test_size / kept) : v.test_size };
    const labelledFrom = (from: string): string =>
      `SELECT *, ${rowFoldSql(STREAM_COLUMNS.row, options.seed, split)} AS ${STREAM_COLUMNS.fold} FROM (${base(from)})${options.leaveOutMissingTarget ? ` WHERE ${target} IS NOT NULL` : ''}`;
    const { reader: folds } = await engine.querySource(
      filePath,
      (from) => `SELECT ${STREAM_COLUMNS.fold}, count(*) FROM (${labelledFrom(from)}) GROUP BY 1`,
      query,
    );
    const foldCounts = new Map(folds.getRowsJS().map((row) => [Number(row[0]), Number(row[1])] as const));
    const columns: SqlColumn[] = plans.flatMap((p, i) => (i === targetIndex ? [] : [{ name: p.name, kind: kinds[i] as SqlColumn['kind'], sql: alias(i) }]));
    mkdirSync(options.cacheDir, { recursive: true });
    return new StreamTable(
      engine,
      filePath,
      options,
      columns,
      kinds[targetIndex] as 'numeric' | 'categorical' | 'text',
      targetSql,
      task,
      taskReason,
      classes,
      split,
      fileRows,
      options.leaveOutMissingTarget ? missingTarget : 0,
      foldCounts,
      labelledFrom,
    );
  }

  /** Passes read so far over the file or its caches, by every source of this table. */
  get passes(): number {
    return this.passCount;
  }

  /** The first row of an aggregate over the labelled rows, as plain values. */
  async aggregate(select: string, where: string, stage = 'prepare'): Promise<unknown[]> {
    const rows = await this.queryRows((from) => `SELECT ${select} FROM (${this.labelledFrom(from)}) WHERE ${where}`, stage);
    return rows[0] ?? [];
  }

  /** Runs a query built over the file's table expression; counts as a pass. */
  async queryRows(build: (from: string) => string, stage = 'query'): Promise<unknown[][]> {
    this.passCount++;
    const { reader } = await this.engine.querySource(this.filePath, build, {
      signal: this.options.signal,
      onProgress: this.options.onProgress && ((e) => this.options.onProgress?.({ ...e, stage: `${DUCKDB_STAGE}${stage}` })),
    });
    return reader.getRowsJS().map((row) => row.map(plainValue));
  }

  /** Rows of a fold (all folds but `heldOut`, or `heldOut` itself) before the preparation drops any. */
  foldRows(heldOut: number, rows: 'train' | 'heldOut'): number {
    let sum = 0;
    for (const [fold, count] of this.foldCounts) if ((fold === heldOut) === (rows === 'heldOut')) sum += count;
    return sum;
  }

  /** A source holding out `heldOut` (NO_FOLD: none), its preparation fitted on the other rows. */
  async source(heldOut: number, steps: readonly Readonly<Record<string, unknown>>[], allowMissing: boolean): Promise<PreparedSource> {
    const train = heldOut === NO_FOLD ? 'true' : `${STREAM_COLUMNS.fold} <> ${heldOut}`;
    const preparation = await fitStreamPreparation(
      steps,
      this.columns,
      train,
      (select, where) => this.aggregate(select, where),
      async (value, where) =>
        (
          await this.queryRows(
            (from) =>
              `SELECT v FROM (SELECT ${value} AS v, count(*) AS n FROM (${this.labelledFrom(from)}) WHERE ${where} AND (${value}) IS NOT NULL GROUP BY v) ORDER BY n DESC, v ASC LIMIT 1`,
            'prepare',
          )
        )[0]?.[0] ?? null,
      {
        allowMissing,
        budget: this.options.budget,
        rows: this.foldRows(heldOut, 'train'),
        quantileBytes: this.options.quantileBytes,
      },
    );
    let trainRows = this.foldRows(heldOut, 'train');
    if (preparation.keep !== 'true') trainRows = Number((await this.aggregate(`count(*)`, `${train} AND ${preparation.keep}`))[0] ?? 0);
    const heldOutRows = heldOut === NO_FOLD ? 0 : this.foldRows(heldOut, 'heldOut');
    return new PreparedSource(this, heldOut, preparation.features, preparation.keep, preparation.pipeline, preparation.notes, this.targetSql, {
      train: trainRows,
      heldOut: heldOutRows,
      all: trainRows + heldOutRows,
    });
  }

  /** SQL of the prepared relation (STREAM_COLUMNS, keep, x0…) over the file's table expression. */
  preparedSql(from: string, features: readonly { sql: string }[], keep: string, targetSql: string): string {
    const xs = features.map((f, j) => `(${f.sql})::DOUBLE AS ${featureColumn(j)}`).join(', ');
    return `SELECT ${STREAM_COLUMNS.row}, ${STREAM_COLUMNS.fold}, ${targetSql} AS ${STREAM_COLUMNS.y}, ${keep} AS keep, ${xs} FROM (${this.labelledFrom(from)})`;
  }

  /** Streams the prepared relation's chunks (`where` over it) from DuckDB. */
  async streamChunks(sql: (from: string) => string, onChunk: (chunk: DuckDBDataChunk) => void, restart: () => void, stage: string): Promise<void> {
    this.passCount++;
    await this.engine.streamSource(this.filePath, sql, onChunk, restart, {
      signal: this.options.signal,
      onProgress: this.options.onProgress && ((e) => this.options.onProgress?.({ ...e, stage: `${DUCKDB_STAGE}${stage}` })),
    });
  }

  /** Counts a pass read from a cache. */
  countPass(): void {
    this.passCount++;
  }

  get batchSize(): number {
    return this.options.batchSize;
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  progress(event: ProgressEvent): void {
    this.options.onProgress?.(event);
  }

  /** A new cache file's path; removed by close(). */
  cachePath(name: string): string {
    const file = path.join(this.options.cacheDir, name);
    this.caches.add(file);
    return file;
  }

  /** Removes one cache file. */
  dropCache(file: string): void {
    rmSync(file, { force: true });
    this.caches.delete(file);
  }

  /** Removes the caches. */
  close(): void {
    for (const file of this.caches) rmSync(file, { force: true });
    this.caches.clear();
    rmSync(this.options.cacheDir, { recursive: true, force: true });
  }
}

/** The task of a target from its aggregates, by the in-memory rules (data/target.ts inferTask). */
function inferStreamTask(name: string, numeric: boolean, kind: string, present: number, distinct: number, integral: boolean): { task: Task; reason: string } {
  if (!numeric) return { task: 'classification', reason: `target "${name}" holds strings (${kind})` };
  if (!integral) return { task: 'regression', reason: `target "${name}" holds non-integer numbers` };
  if (distinct <= 2) return { task: 'classification', reason: `target "${name}" holds ${distinct} distinct integer values (binary labels)` };
  const limit = Math.min(MAX_INFERRED_CLASSES, MAX_INFERRED_CLASS_SHARE * present);
  const rule = `at most ${MAX_INFERRED_CLASSES} and at most ${MAX_INFERRED_CLASS_SHARE * 100}% of ${present} rows`;
  if (distinct <= limit) return { task: 'classification', reason: `target "${name}" holds ${distinct} distinct integer values (${rule})` };
  return { task: 'regression', reason: `target "${name}" holds ${distinct} distinct integer values (not ${rule})` };
}

/** A DuckDB JS value as a plain one: BIGINT/HUGEINT as number, lists as arrays. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

/** Values per cached row: the features, then y, the row number and the fold. */
const EXTRA = 3;

/** A StreamSource over a StreamTable: prepared by DuckDB, its rows cached after the first pass. */
export class PreparedSource implements StreamSource {
  readonly featureNames: readonly string[];
  private cache: { file: string; rows: number } | undefined;

  constructor(
    private readonly table: StreamTable,
    readonly heldOut: number,
    private readonly features: readonly { name: string; sql: string }[],
    private readonly keep: string,
    /** The fitted preparation, saved as the run's pipeline.json. */
    readonly pipeline: PipelineJSON,
    readonly notes: readonly string[],
    private readonly targetSql: string,
    readonly rowCounts: Readonly<Record<StreamRows, number>>,
  ) {
    this.featureNames = features.map((f) => f.name);
  }

  get task(): Task {
    return this.table.task;
  }

  get classes(): readonly string[] {
    return this.table.classes;
  }

  get split(): StreamSplit {
    return this.table.split;
  }

  get batchSize(): number {
    return this.table.batchSize;
  }

  readonly passes = (): number => this.table.passes;

  private where(rows: StreamRows): string {
    return rowsCondition(rows, this.heldOut);
  }

  async query(build: (relation: string, where: string) => string, options: { rows?: StreamRows; signal?: AbortSignal } = {}): Promise<unknown[][]> {
    throwIfAborted(options.signal);
    return this.table.queryRows(
      (from) => build(`(${this.table.preparedSql(from, this.features, this.keep, this.targetSql)})`, this.where(options.rows ?? 'train')),
      'query',
    );
  }

  /** Reads the prepared rows (training rows kept by the preparation, and the held-out rows) from DuckDB into the cache. */
  private async fill(): Promise<{ file: string; rows: number }> {
    const p = this.features.length;
    const stride = p + EXTRA;
    const file = this.table.cachePath(`source${this.heldOut < 0 ? 'all' : this.heldOut}.f64`);
    const fd = openSync(file, 'w');
    const expected = this.rowCounts.all;
    const block = new Float64Array(2048 * stride);
    const bytes = new Uint8Array(block.buffer);
    let rows = 0;
    let offset = 0;
    let lastReport = 0;
    const featureNames = this.featureNames;
    try {
      await this.table.streamChunks(
        (from) => `SELECT * EXCLUDE (keep) FROM (${this.table.preparedSql(from, this.features, this.keep, this.targetSql)}) WHERE ${this.where('all')}`,
        (chunk) => {
          const n = chunk.rowCount;
          const vectors = Array.from({ length: p + 3 }, (_, c) => chunk.getColumnVector(c));
          const buffer = n * stride <= block.length ? block : new Float64Array(n * stride);
          for (let i = 0; i < n; i++) {
            const base = i * stride;
            for (let j = 0; j < p; j++) {
              const value = (vectors[3 + j] as { getItem(i: number): unknown }).getItem(i);
              if (value === null) {
                if (this.pipeline.allowMissing) buffer[base + j] = NaN;
                else
                  throw new MlError(
                    `prepare: feature "${featureNames[j]}" is missing in row ${Number((vectors[0] as { getItem(i: number): unknown }).getItem(i)) + 1} of the file; add \`impute\` to prepare`,
                  );
              } else buffer[base + j] = Number(value);
            }
            buffer[base + p] = Number((vectors[2] as { getItem(i: number): unknown }).getItem(i) ?? NaN);
            buffer[base + p + 1] = Number((vectors[0] as { getItem(i: number): unknown }).getItem(i));
            buffer[base + p + 2] = Number((vectors[1] as { getItem(i: number): unknown }).getItem(i));
          }
          const out = buffer === block ? bytes : new Uint8Array(buffer.buffer);
          writeSync(fd, out, 0, n * stride * 8, offset);
          offset += n * stride * 8;
          rows += n;
          if (rows - lastReport >= this.batchSize || rows === expected) {
            lastReport = rows;
            this.table.progress({ stage: 'read', step: rows, of: expected });
          }
        },
        () => {
          // Read again as Latin-1 from the start.
          ftruncateSync(fd, 0);
          offset = 0;
          rows = 0;
          lastReport = 0;
        },
        'read',
      );
    } finally {
      closeSync(fd);
    }
    return { file, rows };
  }

  async pass(onBatch: (batch: StreamBatch) => void | Promise<void>, options: PassOptions = {}): Promise<void> {
    const signal = options.signal ?? this.table.signal;
    throwIfAborted(signal);
    this.cache ??= await this.fill();
    const { file, rows: cached } = this.cache;
    this.table.countPass();
    const which = options.rows ?? 'train';
    const p = this.features.length;
    const stride = p + EXTRA;
    const size = this.batchSize;
    const of = Math.max(1, Math.ceil(this.rowCounts[which] / size));
    const label = options.label ?? `pass ${this.table.passes}`;
    const block = new Float64Array(size * stride);
    const x = new Float64Array(size * p);
    const y = new Float64Array(size);
    const rowNumbers = new Float64Array(size);
    const folds = new Int32Array(size);
    const heldOut = this.heldOut;
    const keepRow = (fold: number): boolean => which === 'all' || (which === 'heldOut' ? fold === heldOut : fold !== heldOut);
    let filled = 0;
    let index = 0;
    const emit = async (): Promise<void> => {
      throwIfAborted(signal);
      const batch: StreamBatch = {
        rows: filled,
        x: { kind: 'dense', rows: filled, cols: p, data: filled === size ? x : x.subarray(0, filled * p) },
        y: filled === size ? y : y.subarray(0, filled),
        rowNumbers: filled === size ? rowNumbers : rowNumbers.subarray(0, filled),
        folds: filled === size ? folds : folds.subarray(0, filled),
        index,
        of,
      };
      await onBatch(batch);
      index++;
      filled = 0;
      this.table.progress({ stage: label, step: Math.min(index, of), of });
    };
    const fd = openSync(file, 'r');
    try {
      for (let start = 0; start < cached; start += size) {
        const count = Math.min(size, cached - start);
        readSync(fd, new Uint8Array(block.buffer, 0, count * stride * 8), 0, count * stride * 8, start * stride * 8);
        for (let i = 0; i < count; i++) {
          const base = i * stride;
          const fold = block[base + p + 2] as number;
          if (!keepRow(fold)) continue;
          x.set(block.subarray(base, base + p), filled * p);
          y[filled] = block[base + p] as number;
          rowNumbers[filled] = block[base + p + 1] as number;
          folds[filled] = fold;
          filled++;
          if (filled === size) await emit();
        }
      }
      if (filled > 0) await emit();
    } finally {
      closeSync(fd);
    }
  }

  /** Removes this source's cache (its fit is done). */
  release(): void {
    if (this.cache) this.table.dropCache(this.cache.file);
    this.cache = undefined;
  }
}

export { HOLDOUT_FOLD, NO_FOLD };
