/** Message contract between the preview panel's host and its webview, a union keyed on `type`, shared by both sides. */
import type { DatasetExploration, DatasetProfile, DatasetSchema, FilterSpec, RowPage, SortSpec } from '../../core/datasets/types';
import { isRecord } from '../../core/json';

export type PreviewTab = 'data' | 'profile';

/** Everything the webview shows; the host always sends all of it. */
export interface PreviewState {
  readonly fileName: string;
  readonly filePath: string;
  readonly tab: PreviewTab;
  readonly schema?: DatasetSchema;
  /** Rows matching the filter; -1 while not known yet. */
  readonly total: number;
  readonly page?: RowPage;
  readonly sort?: SortSpec;
  readonly filter: FilterSpec;
  readonly loadingPage: boolean;
  readonly profile?: DatasetProfile;
  readonly profileProgress?: { readonly stage: string; readonly step: number; readonly of?: number };
  readonly error?: string;
  /** The profile's exploration (correlations, missingness, features against `explorationTarget`), once computed. */
  readonly exploration?: DatasetExploration;
  /** The target the exploration compares features with; undefined: none chosen. */
  readonly explorationTarget?: string;
  readonly exploring?: boolean;
  /** A row to scroll to and mark (1-based data row); `seq` grows with each request, so asking for the same row again scrolls again. */
  readonly focus?: { readonly row: number; readonly seq: number };
}

/** What the webview persists with `setState` so the serializer can restore the panel after a reload. */
export interface PersistedPreview {
  readonly filePath: string;
  readonly tab: PreviewTab;
  readonly offset: number;
}

export type HostMessage = { readonly type: 'state'; readonly state: PreviewState };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'page'; readonly offset: number; readonly limit: number }
  | { readonly type: 'sort'; readonly sort?: SortSpec }
  | { readonly type: 'filter'; readonly filter: FilterSpec }
  | { readonly type: 'tab'; readonly tab: PreviewTab }
  | { readonly type: 'cancelProfile' }
  /** Chooses the exploration's target column (absent: none). */
  | { readonly type: 'exploreTarget'; readonly target?: string };

const isSort = (value: unknown): value is SortSpec =>
  isRecord(value) && typeof value.column === 'string' && (value.direction === 'asc' || value.direction === 'desc');

/** Checks a message from the webview before the host acts on it. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'cancelProfile':
      return true;
    case 'page':
      return typeof value.offset === 'number' && typeof value.limit === 'number' && value.offset >= 0 && value.limit >= 0;
    case 'sort':
      return value.sort === undefined || isSort(value.sort);
    case 'filter':
      return isRecord(value.filter) && Object.values(value.filter).every((text) => typeof text === 'string');
    case 'tab':
      return value.tab === 'data' || value.tab === 'profile';
    case 'exploreTarget':
      return value.target === undefined || typeof value.target === 'string';
    default:
      return false;
  }
}

/** Checks a message from the host before the webview renders it. */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && value.type === 'state' && isRecord(value.state) && typeof value.state.filePath === 'string';
}

/** Checks state restored by the serializer. */
export function isPersistedPreview(value: unknown): value is PersistedPreview {
  return isRecord(value) && typeof value.filePath === 'string' && (value.tab === 'data' || value.tab === 'profile') && typeof value.offset === 'number';
}
