/** Message contract between the extension host and the import worker, a union keyed on `type`. */
import type { ImportPreview, ImportResult, ImportSpec } from '../core/sources';

/**
 * What the worker is given when it starts (workerData): an import, a refresh of a `.source.yaml`, a preview of the
 * first rows of a source, or the tables of a database.
 */
export type ImportJob =
  | { readonly type: 'import'; readonly spec: ImportSpec; readonly out: string; readonly secrets: Readonly<Record<string, string>> }
  | { readonly type: 'refresh'; readonly sidecar: string; readonly secrets: Readonly<Record<string, string>> }
  | { readonly type: 'preview'; readonly spec: ImportSpec; readonly rows: number; readonly secrets: Readonly<Record<string, string>> }
  | { readonly type: 'tables'; readonly url: string; readonly secrets: Readonly<Record<string, string>> };

export type ImportRequest = { readonly type: 'cancel' };

export type ImportReply =
  | { readonly type: 'progress'; readonly rows: number }
  | { readonly type: 'done'; readonly result: ImportResult }
  | { readonly type: 'preview'; readonly preview: ImportPreview }
  | { readonly type: 'tables'; readonly tables: readonly string[] }
  | { readonly type: 'failed'; readonly message: string; readonly cancelled: boolean };

const isTextCell = (cell: unknown): boolean => cell === null || typeof cell === 'string';

/** Checks a message from the import worker before the host trusts it. */
export function isImportReply(value: unknown): value is ImportReply {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; rows?: unknown; result?: unknown; message?: unknown; cancelled?: unknown; preview?: unknown; tables?: unknown };
  if (message.type === 'progress') return typeof message.rows === 'number';
  if (message.type === 'done') {
    const result = message.result as { path?: unknown; rows?: unknown } | null;
    return typeof result === 'object' && result !== null && typeof result.path === 'string' && typeof result.rows === 'number';
  }
  if (message.type === 'preview') {
    const preview = message.preview as { columns?: unknown; rows?: unknown } | null;
    return (
      typeof preview === 'object' &&
      preview !== null &&
      Array.isArray(preview.columns) &&
      preview.columns.every((c: { name?: unknown; type?: unknown } | null) => typeof c?.name === 'string' && typeof c.type === 'string') &&
      Array.isArray(preview.rows) &&
      preview.rows.every((row) => Array.isArray(row) && row.every(isTextCell))
    );
  }
  if (message.type === 'tables') return Array.isArray(message.tables) && message.tables.every((table) => typeof table === 'string');
  if (message.type === 'failed') return typeof message.message === 'string' && typeof message.cancelled === 'boolean';
  return false;
}

/** Checks a message from the host. */
export function isImportRequest(value: unknown): value is ImportRequest {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'cancel';
}
