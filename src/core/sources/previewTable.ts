/** An import preview as text: what the editor's preview document shows (no database client or DuckDB loaded). */
import type { SourceColumn } from './types';

/** What a preview shows: the columns with the types they get in the file, and the first rows as text (null: missing). */
export interface ImportPreview {
  readonly columns: readonly SourceColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

const MAX_CELL = 40;

/** One cell as it fits a text table: missing as NULL, line breaks and tabs shown, long text cut with an ellipsis. */
function shown(value: string | null): string {
  if (value === null) return 'NULL';
  const flat = value.replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** A preview as an aligned plain-text table: a header of names, a row of types, a rule, then the rows. */
export function previewTable(preview: ImportPreview): string {
  const lines = [preview.columns.map((c) => c.name), preview.columns.map((c) => c.type), ...preview.rows.map((row) => row.map(shown))];
  const widths = preview.columns.map((_, i) => Math.max(...lines.map((line) => [...(line[i] ?? '')].length)));
  const pad = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  return [pad(lines[0] ?? []), pad(lines[1] ?? []), rule, ...lines.slice(2).map(pad)].join('\n');
}
