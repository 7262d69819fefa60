/** Message contract between the extension host and the datasets worker: requests carry an id, answers and progress echo it. */
import type { DatasetExploration, DatasetHead, DatasetProfile, DatasetSchema, PageRequest, RowPage } from '../core/datasets/index';
import { isRecord } from '../core/json';

/** What each kind of request answers with. */
export interface DatasetsResults {
  readonly head: DatasetHead;
  readonly schema: DatasetSchema;
  readonly count: number;
  readonly profile: DatasetProfile;
  readonly page: RowPage;
  readonly explore: DatasetExploration;
}

export type DatasetsKind = keyof DatasetsResults;

/** Extra parameters of each kind beside `path`. */
export interface DatasetsParams {
  readonly head: { readonly n: number };
  readonly schema: Record<string, never>;
  readonly count: Record<string, never>;
  readonly profile: Record<string, never>;
  readonly page: { readonly page: PageRequest };
  /** `target`: the column to compare every feature with (none: correlations and missingness only). */
  readonly explore: { readonly target?: string };
}

export type DatasetsQuery = {
  [K in DatasetsKind]: { readonly type: K; readonly id: number; readonly path: string } & DatasetsParams[K];
}[DatasetsKind];

export type DatasetsRequest =
  | DatasetsQuery
  /** Interrupts the running query of request `id`; its answer becomes a `cancelled` error. */
  | { readonly type: 'cancel'; readonly id: number }
  /** Drops cached results of a file that changed or was deleted. */
  | { readonly type: 'forget'; readonly path: string };

export type DatasetsErrorName = 'DatasetError' | 'CancelledError' | 'Error';

export type DatasetsResponse =
  | { readonly type: 'result'; readonly id: number; readonly value: DatasetsResults[DatasetsKind] }
  | { readonly type: 'error'; readonly id: number; readonly name: DatasetsErrorName; readonly message: string; readonly line?: number }
  | { readonly type: 'progress'; readonly id: number; readonly stage: string; readonly step: number; readonly of?: number };

const KINDS: readonly string[] = ['head', 'schema', 'count', 'profile', 'page', 'explore'];

/** Checks a message from the host before the worker acts on it. */
export function isDatasetsRequest(value: unknown): value is DatasetsRequest {
  if (!isRecord(value)) return false;
  if (value.type === 'cancel') return typeof value.id === 'number';
  if (value.type === 'forget') return typeof value.path === 'string';
  if (typeof value.type !== 'string' || !KINDS.includes(value.type)) return false;
  if (typeof value.id !== 'number' || typeof value.path !== 'string') return false;
  if (value.type === 'head') return typeof value.n === 'number';
  if (value.type === 'explore') return value.target === undefined || typeof value.target === 'string';
  if (value.type === 'page') return isRecord(value.page) && typeof value.page.offset === 'number' && typeof value.page.limit === 'number';
  return true;
}

/** Checks a message from the worker before the host trusts it. */
export function isDatasetsResponse(value: unknown): value is DatasetsResponse {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  if (value.type === 'result') return 'value' in value;
  if (value.type === 'error') return typeof value.message === 'string' && typeof value.name === 'string';
  if (value.type === 'progress') return typeof value.stage === 'string' && typeof value.step === 'number';
  return false;
}
