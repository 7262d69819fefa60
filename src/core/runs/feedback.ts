/**
 * Labelled requests that a prediction service wrote to `<runDir>/feedback.jsonl`, turned into
 * training rows: a retraining adds them to the experiment's data and records where they came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringValues, textColumn, type Column, type Table } from '../data/table';
import { MlError } from '../types';

export type Cell = number | string | null;

/** One line of feedback.jsonl as the service writes it. */
export interface FeedbackLine {
  readonly time: string;
  readonly run_id: string;
  readonly prediction_id: string;
  readonly predicted_at?: string;
  readonly features: Readonly<Record<string, Cell>>;
  readonly prediction: string | number;
  readonly label: string | number;
}

/** Reads a run's feedback; unreadable lines (a crash mid-write) are skipped and counted. */
export function readFeedback(runDir: string): { lines: FeedbackLine[]; skipped: number; file: string } {
  const file = path.join(runDir, 'feedback.jsonl');
  if (!existsSync(file)) return { lines: [], skipped: 0, file };
  let skipped = 0;
  const lines: FeedbackLine[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const line = JSON.parse(text) as FeedbackLine;
      if (line && typeof line.features === 'object' && line.label !== undefined) lines.push(line);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  // The same prediction labelled twice counts once: the latest label wins.
  const latest = new Map<string, FeedbackLine>();
  for (const line of lines) latest.set(line.prediction_id, line);
  return { lines: [...latest.values()], skipped, file };
}

/** The table with the feedback rows appended below it, the label going into the target column. */
export function appendFeedback(table: Table, lines: readonly FeedbackLine[], target: string): Table {
  if (!table.columns.some((c) => c.name === target)) throw new MlError(`retraining: target column "${target}" not found in the data`);
  const columns: Column[] = table.columns.map((column) => {
    const extra = lines.map((line) => (column.name === target ? line.label : (line.features[column.name] ?? null)));
    if (column.kind === 'numeric') {
      const values = new Float64Array(table.rowCount + extra.length);
      values.set(column.values);
      extra.forEach((value, i) => {
        const number = typeof value === 'number' ? value : value === null || value === '' ? Number.NaN : Number(value);
        values[table.rowCount + i] = number;
      });
      return { name: column.name, kind: 'numeric', values };
    }
    if (column.kind === 'text') {
      return textColumn(column.name, [...stringValues(column), ...extra.map((value) => (value === null ? null : String(value)))]);
    }
    // The feedback's strings are coded with the column's dictionary, new values added at its end.
    const categories = [...column.categories];
    const index = new Map(categories.map((c, k) => [c, k]));
    const codes = new Int32Array(table.rowCount + extra.length);
    codes.set(column.codes);
    extra.forEach((value, i) => {
      if (value === null) {
        codes[table.rowCount + i] = -1;
        return;
      }
      const text = String(value);
      let code = index.get(text);
      if (code === undefined) {
        code = categories.push(text) - 1;
        index.set(text, code);
      }
      codes[table.rowCount + i] = code;
    });
    return { name: column.name, kind: column.kind, codes, categories };
  });
  return { rowCount: table.rowCount + lines.length, columns };
}
