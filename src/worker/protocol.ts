/** Message contract between the extension host and the runtime worker, a union keyed on `type`. */

export interface RuntimeInfo {
  readonly backend: string;
  readonly reason: string;
  readonly tfjsVersion: string;
  readonly nodeVersion: string;
  readonly duckdbVersion: string;
}

export type RuntimeRequest = { readonly type: 'probe'; readonly preference: string; readonly wasmDir: string };

export type RuntimeResponse = { readonly type: 'probed'; readonly info: RuntimeInfo } | { readonly type: 'error'; readonly message: string };

/** Checks a message from the runtime worker before the host trusts it. */
export function isRuntimeResponse(value: unknown): value is RuntimeResponse {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; info?: unknown; message?: unknown };
  if (message.type === 'probed') return typeof message.info === 'object' && message.info !== null;
  if (message.type === 'error') return typeof message.message === 'string';
  return false;
}
