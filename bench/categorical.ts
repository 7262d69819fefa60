/**
 * Reading categorical columns (issue 19 item 1): a generated CSV of `--rows` rows with four categorical columns
 * (5, 50, 1,000 and 20,000 distinct labels, 2 % missing) and one numeric column, read three ways in the same run, each
 * in its own measured process (wall time, peak RSS):
 * - `codes`: readTable as it is, string columns held as dictionary codes (an Int32Array and the distinct strings);
 * - `strings`: the reader before the change, kept here as it was: one interned string per row in a JavaScript array;
 * - pandas `read_csv` with `dtype="category"` for the four columns (the anchor).
 * Each child also prints the memory its table retains (JavaScript heap and typed arrays, after a forced GC) and the read
 * time it measured itself.
 * `--text` adds free text: 1,000,000 distinct ~45-character texts held in the dictionary form (a string per row and
 * codes: the text column before) and as the TextColumn readTable now builds (UTF-8 bytes and Float64 offsets), and a
 * CSV of those texts read by readTable (a text column) beside pandas `read_csv` (object strings), each in its own
 * measured process.
 *
 *   node --import tsx bench/categorical.ts [--rows 1000000] [--keep FILE] [--text | --text-only]
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { option } from './common';
import { measure, writeCsvLines } from './csvData';
import { Random } from '../src/core/random';
import { DatasetEngine, readTableWith } from '../src/core/datasets';
import { stringKind, textExpression, typedExpression } from '../src/core/datasets/columns';
import { columnPlans, numberRow } from '../src/core/datasets/head';
import { sqlIdentifier } from '../src/core/datasets/source';
import { NumericColumnBuilder } from '../src/core/data/columnBuilder';
import { textColumn } from '../src/core/data/table';

const CARDINALITIES = [5, 50, 1_000, 20_000];

function writeCategoricalCsv(file: string, rows: number): void {
  const random = new Random(11);
  writeCsvLines(file, `${CARDINALITIES.map((_, j) => `c${j}`).join(',')},x`, rows, () => {
    const cells = CARDINALITIES.map((k, j) => (random.next() < 0.02 ? '' : `${['colour', 'city', 'product', 'customer'][j]}_${Math.floor(random.next() * k)}`));
    return `${cells.join(',')},${random.normal().toFixed(4)}`;
  });
}

/** The string builder before dictionary codes: each row holds its (interned) string in a JavaScript array. */
class InternedStrings {
  values: (string | null)[] = [];
  private readonly dictionary = new Map<string, string>();
  push(value: string | null): void {
    if (value === null) {
      this.values.push(null);
      return;
    }
    const known = this.dictionary.get(value);
    if (known !== undefined) this.values.push(known);
    else {
      if (this.dictionary.size < 65_536) this.dictionary.set(value, value);
      this.values.push(value);
    }
  }
}

/** readTable as it was before dictionary codes (per-row interned strings), for the "before" figure. */
async function readTableStrings(engine: DatasetEngine, file: string): Promise<{ rowCount: number; columns: unknown[] }> {
  const plans = await columnPlans(engine, file);
  const numeric = plans.map((plan) => plan.type === 'integer' || plan.type === 'float');
  const stringPlans = plans.filter((_, i) => !numeric[i]);
  const shape = numberRow(
    (
      await engine.querySource(
        file,
        (from) =>
          `SELECT count(*), ${stringPlans.map((p) => `count(${textExpression(p)}), count(DISTINCT ${textExpression(p)}), coalesce(avg(length(${textExpression(p)})), 0)`).join(', ')} FROM ${from}`,
      )
    ).reader,
  );
  const builders = plans.map((_, i) => (numeric[i] ? new NumericColumnBuilder() : new InternedStrings()));
  let rowCount = 0;
  const select = plans.map((plan, i) => `${numeric[i] ? typedExpression(plan) : textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
  await engine.streamSource(
    file,
    (from) => `SELECT ${select} FROM ${from}`,
    (chunk: DuckDBDataChunk) => {
      const rows = chunk.rowCount;
      builders.forEach((builder, c) => {
        const vector = chunk.getColumnVector(c);
        if (builder instanceof NumericColumnBuilder) {
          const out = builder.batch(rows);
          for (let r = 0; r < rows; r++) {
            const value = vector.getItem(r);
            if (value !== null) out[r] = typeof value === 'number' ? value : Number(value);
          }
        } else {
          for (let r = 0; r < rows; r++) {
            const value = vector.getItem(r);
            builder.push(value === null ? null : String(value));
          }
        }
      });
      rowCount += rows;
    },
    () => undefined,
  );
  const columns = plans.map((plan, i) => {
    const builder = builders[i] as NumericColumnBuilder | InternedStrings;
    if (builder instanceof NumericColumnBuilder) return { name: plan.name, kind: 'numeric', values: builder.finish() };
    const s = stringPlans.indexOf(plan);
    const [present = 0, distinct = 0, averageLength = 0] = shape.slice(1 + 3 * s, 4 + 3 * s);
    return { name: plan.name, kind: stringKind(distinct, present, averageLength), values: builder.values };
  });
  return { rowCount, columns };
}

/** JavaScript heap plus typed arrays' buffers (held outside the heap), after a forced GC. */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 2 ** 20;
}

/** Child: reads the file one way and prints {"read": s, "heapMb": the heap the table holds}. */
async function child(mode: string, file: string): Promise<void> {
  const before = heapMb();
  const engine = new DatasetEngine();
  const start = performance.now();
  const table = mode === 'codes' ? await readTableWith(engine, file) : await readTableStrings(engine, file);
  const read = (performance.now() - start) / 1000;
  await engine.close();
  const held = heapMb() - before;
  const kinds = table.columns.map((c) => (c as { kind: string }).kind).join(',');
  process.stdout.write(JSON.stringify({ read, heapMb: held, rows: table.rowCount, kinds }) + '\n');
}

const WORDS = ['good', 'bad', 'quick', 'delivery', 'broken', 'excellent', 'return', 'price', 'quality', 'item'];

/** Distinct texts of ~45 characters (six words and the row number). */
function textMaker(): (i: number) => string {
  const random = new Random(3);
  return (i) => `${Array.from({ length: 6 }, () => WORDS[Math.floor(random.next() * WORDS.length)]).join(' ')} #${i}`;
}

/** Child: 1,000,000 distinct texts (~45 characters) held as a string array vs UTF-8 bytes and offsets. */
function textChild(rows: number): void {
  const make = textMaker();
  const base = heapMb();
  // Dictionary form of free text: one string per distinct value (here every row) plus an Int32Array of codes.
  let strings: string[] | undefined = Array.from({ length: rows }, (_, i) => make(i));
  const codes = Int32Array.from({ length: rows }, (_, i) => i);
  const dictionaryMb = heapMb() - base;
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const s of strings) bytes += Buffer.byteLength(s);
  const utf8 = new Uint8Array(bytes);
  const offsets = new Int32Array(rows + 1);
  let at = 0;
  strings.forEach((s, i) => {
    at += encoder.encodeInto(s, utf8.subarray(at)).written;
    offsets[i + 1] = at;
  });
  const offsetsMb = (utf8.byteLength + offsets.byteLength) / 2 ** 20;
  // What a consumer (the tokenizer) pays to get the strings back from the bytes.
  const decoder = new TextDecoder();
  const t0 = performance.now();
  let length = 0;
  for (let i = 0; i < rows; i++) length += decoder.decode(utf8.subarray(offsets[i], offsets[i + 1])).length;
  const decodeS = (performance.now() - t0) / 1000;
  // The column readTable builds now (Float64 offsets: exact past 2 GB of text), measured as the heap it holds.
  const beforeColumn = heapMb();
  const column = textColumn('text', strings);
  const columnMb = heapMb() - beforeColumn;
  strings = undefined;
  process.stdout.write(
    JSON.stringify({
      dictionaryMb,
      codesMb: codes.byteLength / 2 ** 20,
      offsetsMb,
      decodeS,
      length,
      columnMb,
      columnBytes: column.bytes.byteLength + column.offsets.byteLength,
    }) + '\n',
  );
}

const PANDAS = `
import sys, time, json, pandas
t0 = time.perf_counter()
frame = pandas.read_csv(sys.argv[1], dtype={c: "category" for c in ["c0", "c1", "c2", "c3"]})
t1 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "rows": len(frame), "frameMb": frame.memory_usage(deep=True).sum() / 2**20}))
`;

const PANDAS_TEXT = `
import sys, time, json, pandas
t0 = time.perf_counter()
frame = pandas.read_csv(sys.argv[1])
t1 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "rows": len(frame), "frameMb": frame.memory_usage(deep=True).sum() / 2**20}))
`;

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(process.argv[at + 1] as string, process.argv[at + 2] as string);
  if (process.argv.includes('--text-child')) return textChild(option('rows', 1_000_000));
  const rows = option('rows', 1_000_000);
  const keepAt = process.argv.indexOf('--keep');
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-categorical-'));
  const file = keepAt >= 0 ? (process.argv[keepAt + 1] as string) : path.join(dir, 'categorical.csv');
  try {
    const node = (args: string[]): string[] => [process.execPath, '--import', 'tsx', '--expose-gc', __filename, ...args];
    // --text-only: the free-text figures alone.
    if (!process.argv.includes('--text-only')) {
      if (!existsSync(file)) writeCategoricalCsv(file, rows);
      console.log(`${rows.toLocaleString('en')} rows: categorical c0..c3 (${CARDINALITIES.join(', ')} labels, 2 % missing) and one numeric column`);
      const results: Record<string, { wall: number; rssMb: number; out: Record<string, number | string> }> = {};
      for (const [name, argv] of [
        ['strings (before)', node(['--child', 'strings', file])],
        ['codes (now)', node(['--child', 'codes', file])],
        ['pandas category', ['/usr/bin/python3', '-c', PANDAS, file]],
      ] as const) {
        const m = measure([...argv]);
        const out = JSON.parse(m.stdout.trim().split('\n').pop() as string) as Record<string, number | string>;
        results[name] = { wall: m.wall, rssMb: m.rssMb, out };
        const extra = 'heapMb' in out ? `, table holds ${Number(out.heapMb).toFixed(1)} MB` : `, frame ${Number(out.frameMb).toFixed(1)} MB`;
        console.log(
          `${name.padEnd(17)} read ${Number(out.read).toFixed(2)} s, process wall ${m.wall.toFixed(2)} s, peak RSS ${m.rssMb.toFixed(0)} MB${extra}${out.kinds ? ` (${String(out.kinds)})` : ''}`,
        );
      }
      const codes = results['codes (now)'];
      const pandas = results['pandas category'];
      const strings = results['strings (before)'];
      if (codes && pandas && strings) {
        console.log(
          `ratios: codes/strings read ${(Number(codes.out.read) / Number(strings.out.read)).toFixed(2)}x, peak RSS ${(codes.rssMb / strings.rssMb).toFixed(2)}x; codes/pandas read ${(Number(codes.out.read) / Number(pandas.out.read)).toFixed(2)}x, peak RSS ${(codes.rssMb / pandas.rssMb).toFixed(2)}x`,
        );
      }
    }
    if (process.argv.includes('--text') || process.argv.includes('--text-only')) {
      const m = measure(node(['--text-child', '--rows', String(rows)]));
      const out = JSON.parse(m.stdout.trim()) as Record<string, number>;
      console.log(
        `text, ${rows.toLocaleString('en')} distinct ~45-char rows: dictionary (strings + codes, before) ${Number(out.dictionaryMb).toFixed(1)} MB (codes ${Number(out.codesMb).toFixed(1)} MB); UTF-8 bytes + Int32 offsets ${Number(out.offsetsMb).toFixed(1)} MB; TextColumn (bytes + Float64 offsets, now) ${Number(out.columnMb).toFixed(1)} MB held (${(Number(out.columnBytes) / 2 ** 20).toFixed(1)} MB of arrays), ${(Number(out.columnMb) / Number(out.dictionaryMb)).toFixed(2)}x the dictionary; decoding every row back to strings ${Number(out.decodeS).toFixed(2)} s`,
      );
      const textFile = path.join(dir, 'text.csv');
      const make = textMaker();
      let row = 0;
      writeCsvLines(textFile, 'text,x', rows, () => `${make(row)},${row++ % 7}`);
      const read = measure(node(['--child', 'codes', textFile]));
      const readOut = JSON.parse(read.stdout.trim().split('\n').pop() as string) as Record<string, number | string>;
      const pandasRead = measure(['/usr/bin/python3', '-c', PANDAS_TEXT, textFile]);
      const pandasOut = JSON.parse(pandasRead.stdout.trim().split('\n').pop() as string) as Record<string, number>;
      console.log(
        `text CSV read: readTable ${Number(readOut.read).toFixed(2)} s, peak RSS ${read.rssMb.toFixed(0)} MB, table holds ${Number(readOut.heapMb).toFixed(1)} MB (${String(readOut.kinds)}); pandas read_csv ${Number(pandasOut.read).toFixed(2)} s, peak RSS ${pandasRead.rssMb.toFixed(0)} MB, frame ${Number(pandasOut.frameMb).toFixed(1)} MB; ratios read ${(Number(readOut.read) / Number(pandasOut.read)).toFixed(2)}x, peak RSS ${(read.rssMb / pandasRead.rssMb).toFixed(2)}x, held/frame ${(Number(readOut.heapMb) / Number(pandasOut.frameMb)).toFixed(2)}x`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
