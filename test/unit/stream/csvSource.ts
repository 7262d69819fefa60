/**
 * A StreamSource over a numeric CSV file read by real DuckDB, with no preparation: every column but the target is a
 * feature (an empty cell is NaN). For the streamed learners' tests; the run's own sources come from stream/open.ts.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  rowFoldSql,
  rowsCondition,
  STREAM_COLUMNS,
  featureColumn,
  type StreamBatch,
  type StreamSource,
  type StreamSplit,
} from '../../../src/core/stream/source';
import { CancelledError, throwIfAborted, type DenseMatrix, type Task } from '../../../src/core/types';

export interface CsvSourceOptions {
  readonly file: string;
  readonly target: string;
  readonly task: Task;
  readonly seed: number;
  readonly split: StreamSplit;
  readonly heldOut: number;
  readonly batchSize: number;
  /** DuckDB's memory_limit in MB (default: DuckDB's own, 80 % of RAM). */
  readonly memoryLimitMb?: number;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value !== null && typeof value === 'object') {
    if ('items' in value && Array.isArray((value as { items: unknown[] }).items)) return (value as { items: unknown[] }).items.map(plain);
    if ('toDouble' in value && typeof (value as { toDouble: unknown }).toDouble === 'function') return (value as { toDouble(): number }).toDouble();
  }
  return value;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Opens the source; `close()` ends its DuckDB instance. */
export async function csvStreamSource(options: CsvSourceOptions): Promise<StreamSource & { close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  if (options.memoryLimitMb !== undefined) await connection.run(`SET memory_limit = '${Math.round(options.memoryLimitMb)}MB'`);
  const file = `read_csv(${`'${options.file.replace(/'/g, "''")}'`}, header = true)`;
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${file}`);
  const names = described.getRows().map((r) => String(r[0]));
  const features = names.filter((n) => n !== options.target);
  const target = quote(options.target);
  const numbered = `(SELECT (row_number() OVER ()) - 1 AS row_number, * FROM ${file})`;
  let classes: string[] = [];
  if (options.task === 'classification') {
    const fold = rowFoldSql('row_number', options.seed, options.split);
    const found = await connection.runAndReadAll(
      `SELECT DISTINCT CAST(${target} AS VARCHAR) FROM ${numbered} WHERE ${target} IS NOT NULL AND ${fold} <> ${options.heldOut} ORDER BY 1`,
    );
    classes = found.getRows().map((r) => String(r[0]));
  }
  const y =
    options.task === 'classification'
      ? `(list_position([${classes.map((c) => `'${c.replace(/'/g, "''")}'`).join(', ')}], CAST(${target} AS VARCHAR)) - 1)::DOUBLE`
      : `(${target})::DOUBLE`;
  const columns = features.map((f, j) => `coalesce((${quote(f)})::DOUBLE, 'NaN'::DOUBLE) AS ${featureColumn(j)}`);
  const relation = `(SELECT row_number, ${rowFoldSql('row_number', options.seed, options.split)} AS ${STREAM_COLUMNS.fold}, ${y} AS ${STREAM_COLUMNS.y}, true AS keep, ${columns.join(', ')} FROM ${numbered} WHERE ${target} IS NOT NULL)`;
  const counted = await connection.runAndReadAll(
    `SELECT count(*) FILTER (WHERE ${rowsCondition('train', options.heldOut)}), count(*) FILTER (WHERE ${rowsCondition('heldOut', options.heldOut)}), count(*) FROM ${relation}`,
  );
  const [train, heldOut, all] = (counted.getRows()[0] ?? []).map(Number) as [number, number, number];
  let passes = 0;
  const cols = features.length;

  return {
    task: options.task,
    featureNames: features,
    classes,
    split: options.split,
    heldOut: options.heldOut,
    rowCounts: { train, heldOut, all },
    batchSize: options.batchSize,
    passes: () => passes,
    async pass(onBatch, passOptions = {}) {
      passes++;
      const where = rowsCondition(passOptions.rows ?? 'train', options.heldOut);
      const total = { train, heldOut, all }[passOptions.rows ?? 'train'];
      const of = Math.ceil(total / options.batchSize);
      const size = options.batchSize;
      const data = new Float64Array(size * cols);
      const x: DenseMatrix = { kind: 'dense', rows: size, cols, data };
      const yValues = new Float64Array(size);
      const rowNumbers = new Float64Array(size);
      const folds = new Int32Array(size);
      let filled = 0;
      let index = 0;
      const flush = async (): Promise<void> => {
        const batch: StreamBatch = {
          rows: filled,
          x: filled === size ? x : { ...x, rows: filled, data: data.subarray(0, filled * cols) },
          y: yValues.subarray(0, filled),
          rowNumbers: rowNumbers.subarray(0, filled),
          folds: folds.subarray(0, filled),
          index: index++,
          of,
        };
        await onBatch(batch);
        filled = 0;
        throwIfAborted(passOptions.signal);
      };
      throwIfAborted(passOptions.signal);
      const result = await connection.stream(
        `SELECT row_number, fold, y, ${features.map((_, j) => featureColumn(j)).join(', ')} FROM ${relation} WHERE ${where}`,
      );
      for (;;) {
        if (passOptions.signal?.aborted) throw new CancelledError();
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const columns = Array.from({ length: cols + 3 }, (_, c) => chunk.getColumnVector(c).toArray());
        const [rowColumn, foldColumn, yColumn] = columns as [unknown[], unknown[], unknown[]];
        for (let r = 0; r < chunk.rowCount; r++) {
          rowNumbers[filled] = Number(rowColumn[r]);
          folds[filled] = Number(foldColumn[r]);
          yValues[filled] = Number(yColumn[r]);
          for (let j = 0; j < cols; j++) data[filled * cols + j] = Number((columns[j + 3] as unknown[])[r]);
          filled++;
          if (filled === size) await flush();
        }
      }
      if (filled > 0) await flush();
    },
    async query(build, queryOptions = {}) {
      passes++;
      throwIfAborted(queryOptions.signal);
      const reader = await connection.runAndReadAll(build(relation, rowsCondition(queryOptions.rows ?? 'train', options.heldOut)));
      return reader.getRows().map((row) => row.map(plain));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Every row of a pass gathered in memory: the in-memory fit's input, to compare the streamed fit with. */
export async function gatherRows(source: StreamSource, rows: 'train' | 'heldOut'): Promise<{ X: DenseMatrix; y: Float64Array; rowNumbers: Float64Array }> {
  const cols = source.featureNames.length;
  const data: number[] = [];
  const y: number[] = [];
  const rowNumbers: number[] = [];
  await source.pass(
    (batch) => {
      data.push(...batch.x.data.subarray(0, batch.rows * cols));
      y.push(...batch.y);
      rowNumbers.push(...batch.rowNumbers);
    },
    { rows },
  );
  return { X: { kind: 'dense', rows: y.length, cols, data: Float64Array.from(data) }, y: Float64Array.from(y), rowNumbers: Float64Array.from(rowNumbers) };
}
