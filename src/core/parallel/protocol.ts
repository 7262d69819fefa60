/** Message contract between the core's worker pool and its workers (src/worker/pool.ts), a union keyed on `type`. */

/** Pool → worker: run one task of a kind registered in tasks.ts. */
export type PoolRequest = { readonly type: 'task'; readonly index: number; readonly kind: string; readonly input: unknown };

/** Worker → pool: a task's progress, its output, or why it failed. */
export type PoolResponse =
  | { readonly type: 'progress'; readonly index: number; readonly event: unknown }
  | { readonly type: 'result'; readonly index: number; readonly output: unknown }
  | { readonly type: 'error'; readonly index: number; readonly name: string; readonly message: string };

/** Checks a message from the pool before the worker trusts it. */
export function isPoolRequest(value: unknown): value is PoolRequest {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; index?: unknown; kind?: unknown };
  return message.type === 'task' && typeof message.index === 'number' && typeof message.kind === 'string';
}

/** Checks a message from a worker before the pool trusts it. */
export function isPoolResponse(value: unknown): value is PoolResponse {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; index?: unknown; message?: unknown };
  if (typeof message.index !== 'number') return false;
  if (message.type === 'progress' || message.type === 'result') return true;
  return message.type === 'error' && typeof message.message === 'string';
}
