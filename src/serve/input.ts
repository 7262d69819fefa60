/**
 * Request bodies of POST /invocations turned into a typed table of the run's feature columns.
 * The JSON Schema below checks the body's shape (fastify validates it before the handler runs);
 * `tableFromBody` then checks every row against the training schema, so each problem is answered
 * with the column and row that caused it.
 */
import { stringColumn, type Column, type Table } from '../core/data/table';
import { parseNumber } from '../core/data/infer';
import type { RunSchema } from '../core/runs/artifacts';
import { RequestError } from './errors';

/** The MLflow-style shapes /invocations accepts (CSV bodies arrive as `dataframe_split`). */
export type InvocationBody =
  | { readonly dataframe_records: readonly Record<string, unknown>[] }
  | { readonly dataframe_split: { readonly columns: readonly string[]; readonly data: readonly (readonly unknown[])[]; readonly index?: readonly unknown[] } }
  | { readonly instances: readonly (Record<string, unknown> | readonly unknown[])[] };

/** JSON Schema of the body: exactly one of the three shapes, at most `maxRows` rows. */
export function invocationBodySchema(maxRows: number): Record<string, unknown> {
  const rows = { type: 'array', minItems: 1, maxItems: maxRows };
  return {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      dataframe_records: { ...rows, items: { type: 'object' } },
      dataframe_split: {
        type: 'object',
        required: ['columns', 'data'],
        additionalProperties: false,
        properties: {
          columns: { type: 'array', items: { type: 'string' } },
          data: { ...rows, items: { type: 'array' } },
          index: { type: 'array' },
        },
      },
      instances: { ...rows, items: { type: ['object', 'array'] } },
    },
  };
}

/** The feature table of a validated body, plus each row as a record (kept for feedback). */
export interface ParsedInput {
  readonly table: Table;
  readonly rows: Record<string, number | string | null>[];
}

type Cell = number | string | null;

/**
 * Converts one cell to its column's kind. JSON bodies must send numbers for numeric columns;
 * CSV cells are text, so there a numeric column parses them.
 */
function convertCell(value: unknown, kind: Column['kind'], column: string, row: number, fromText: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (kind === 'numeric') {
    if (typeof value === 'number') return value;
    if (fromText && typeof value === 'string') {
      const parsed = parseNumber(value);
      if (parsed !== undefined) return Number.isNaN(parsed) ? null : parsed;
    }
    throw new RequestError(400, 'wrong_type', `column "${column}" is numeric but row ${row + 1} holds ${describe(value)}`, { column, row: row + 1 });
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RequestError(400, 'wrong_type', `column "${column}" holds ${kind} values but row ${row + 1} holds ${describe(value)}`, { column, row: row + 1 });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Checks that `present` are exactly the schema's features (`optional` ones may be absent); names the first missing or unknown one. */
function checkColumns(present: readonly string[], schema: RunSchema, where: string, optional: ReadonlySet<string>): void {
  const expected = schema.features.map((f) => f.name);
  const known = new Set(expected);
  const seen = new Set<string>();
  for (const name of present) {
    if (!known.has(name)) {
      throw new RequestError(400, 'unknown_column', `unknown column "${name}"${where}; the model expects: ${expected.join(', ')}`, { column: name });
    }
    if (seen.has(name)) throw new RequestError(400, 'duplicate_column', `column "${name}" appears twice${where}`, { column: name });
    seen.add(name);
  }
  const missing = expected.find((name) => !seen.has(name) && !optional.has(name));
  if (missing !== undefined) {
    throw new RequestError(400, 'missing_column', `column "${missing}" is missing${where}; the model expects: ${expected.join(', ')}`, { column: missing });
  }
}

/** Builds the table from rows of cells in `columns` order, checking each cell's type. */
function buildTable(
  schema: RunSchema,
  columns: readonly string[],
  cells: (row: number, j: number) => unknown,
  rowCount: number,
  fromText: boolean,
): ParsedInput {
  const position = new Map(columns.map((name, j) => [name, j]));
  const rows: Record<string, Cell>[] = Array.from({ length: rowCount }, () => ({}));
  const tableColumns = schema.features.map((feature): Column => {
    const j = position.get(feature.name) as number;
    if (feature.kind === 'numeric') {
      const values = new Float64Array(rowCount);
      for (let i = 0; i < rowCount; i++) {
        const cell = convertCell(cells(i, j), 'numeric', feature.name, i, fromText) as number | null;
        values[i] = cell ?? NaN;
        (rows[i] as Record<string, Cell>)[feature.name] = cell;
      }
      return { name: feature.name, kind: 'numeric', values };
    }
    const values: (string | null)[] = new Array<string | null>(rowCount);
    for (let i = 0; i < rowCount; i++) {
      const cell = convertCell(cells(i, j), feature.kind, feature.name, i, fromText) as string | null;
      values[i] = cell;
      (rows[i] as Record<string, Cell>)[feature.name] = cell;
    }
    return stringColumn(feature.name, feature.kind, values);
  });
  return { table: { rowCount, columns: tableColumns }, rows };
}

/**
 * Checks a body (already of a valid shape) against the training schema and builds its feature table.
 * `optional` columns (those the pipeline drops unread) may be left out: they become missing values.
 */
export function tableFromBody(body: InvocationBody, schema: RunSchema, fromText = false, optional: ReadonlySet<string> = new Set()): ParsedInput {
  const names = schema.features.map((f) => f.name);
  const required = names.filter((name) => !optional.has(name));
  if ('dataframe_split' in body) {
    const { columns, data } = body.dataframe_split;
    checkColumns(columns, schema, ' in dataframe_split.columns', optional);
    data.forEach((row, i) => {
      if (row.length !== columns.length) {
        throw new RequestError(400, 'wrong_row_length', `row ${i + 1} has ${row.length} values but there are ${columns.length} columns`, { row: i + 1 });
      }
    });
    return buildTable(schema, columns, (i, j) => (data[i] as readonly unknown[])[j], data.length, fromText);
  }
  const records = 'dataframe_records' in body ? body.dataframe_records : body.instances;
  if (records.length === 0) throw new RequestError(400, 'empty_batch', 'the request holds no rows');
  const first = records[0];
  if (Array.isArray(first)) {
    // Instances as arrays are in the schema's column order: all of them, or only those the model reads.
    const order = (first as readonly unknown[]).length === required.length && required.length < names.length ? required : names;
    records.forEach((row, i) => {
      if (!Array.isArray(row)) throw new RequestError(400, 'mixed_instances', `instance ${i + 1} is an object but the first is an array`, { row: i + 1 });
      if (row.length !== order.length) {
        throw new RequestError(400, 'wrong_row_length', `instance ${i + 1} has ${row.length} values; the model expects ${order.length}: ${order.join(', ')}`, {
          row: i + 1,
        });
      }
    });
    return buildTable(schema, order, (i, j) => (records[i] as readonly unknown[])[j], records.length, fromText);
  }
  records.forEach((record, i) => {
    if (Array.isArray(record)) throw new RequestError(400, 'mixed_instances', `instance ${i + 1} is an array but the first is an object`, { row: i + 1 });
    checkColumns(Object.keys(record), schema, ` in row ${i + 1}`, optional);
  });
  const objects = records as readonly Record<string, unknown>[];
  return buildTable(schema, names, (i, j) => (objects[i] as Record<string, unknown>)[names[j] as string], records.length, fromText);
}
