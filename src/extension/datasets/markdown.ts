/** Builds the hover's Markdown for a dataset head: every value from the file escaped and truncated. No vscode import. */
import type { DatasetHead } from '../../core/datasets/types';

const MAX_CELL = 40;
const MAX_COLUMNS = 12;

/** Escapes text for Markdown: no formatting, no HTML, no links, and no table breaks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&"'=:]/g, (char) => `\\${char}`);
}

/** Truncates to `max` characters with an ellipsis, then escapes. */
export function cellText(value: string | null, max = MAX_CELL): string {
  if (value === null) return '*∅*';
  const short = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return escapeMarkdown(short);
}

/** Human size: 315 B, 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "10 rows × 6 columns", or "? rows" while the count is not known. */
export function shapeText(rows: number | undefined, columns: number): string {
  const rowText = rows === undefined ? 'counting rows…' : `${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
  return `${rowText} × ${columns} ${columns === 1 ? 'column' : 'columns'}`;
}

/** The hover body: name, shape, size, columns with types, first rows as a table, and a link to the preview. */
export function hoverMarkdown(fileName: string, head: DatasetHead, rows: number | undefined, previewLink: string): string {
  const columns = head.schema.columns;
  const shown = columns.slice(0, MAX_COLUMNS);
  const more = columns.length - shown.length;
  const lines = [
    `**${escapeMarkdown(fileName)}** · ${shapeText(rows, columns.length)} · ${formatBytes(head.schema.size)}`,
    '',
    columns.map((column) => `\`${column.name.replaceAll('`', "'")}\` ${column.type}`).join(' · '),
    '',
  ];
  if (shown.length > 0) {
    lines.push(`| ${shown.map((column) => cellText(column.name, 24)).join(' | ')}${more > 0 ? ' | …' : ''} |`);
    lines.push(`|${shown.map(() => ' --- |').join('')}${more > 0 ? ' --- |' : ''}`);
    for (const row of head.rows.slice(0, 5)) {
      lines.push(`| ${shown.map((_, i) => cellText(row[i] ?? null)).join(' | ')}${more > 0 ? ' | …' : ''} |`);
    }
    lines.push('');
  }
  for (const warning of head.schema.warnings) lines.push(`⚠ ${escapeMarkdown(warning)}`, '');
  lines.push(`[Open preview](${previewLink})`);
  return lines.join('\n');
}
