/**
 * The host↔webview contract of the run dashboard, the compare panel and the sweep leaderboard.
 * Imported by both sides (no `vscode` import here). The webview says `ready` first; the host then
 * pushes the whole view state whenever it changes, never piecemeal updates.
 */
import { isRecord } from '../../core/json';
import type { ErrorTable } from '../../core/inspection/errorRows';

export type RunStatusName = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'damaged';

/** What every panel shows about a run in its header. */
export interface RunSummary {
  readonly id: string;
  readonly experiment: string;
  readonly status: RunStatusName;
  readonly reason?: string;
  readonly task?: string;
  readonly modelType?: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** 0..1 while running. */
  readonly progress?: number;
  /** While running: the phase in words ("trial 3/12 · fold 2/5"), as the notification and the Runs view say it. */
  readonly phase?: string;
}

export interface CurvePoint {
  readonly x: number;
  readonly y: number;
}

export interface CurveSeries {
  readonly label: string;
  readonly split: 'train' | 'validation';
  /** 1-based fold of cross-validation; absent for the refit on all rows or a hold-out. */
  readonly fold?: number;
  readonly points: readonly CurvePoint[];
}

export interface Curves {
  readonly loss: readonly CurveSeries[];
  readonly metrics: readonly CurveSeries[];
  /** Series left out to keep a chart readable. */
  readonly hidden: number;
}

export interface MetricRow {
  readonly name: string;
  readonly value?: number;
  /** Cross-validation mean and standard deviation over folds. */
  readonly mean?: number;
  readonly std?: number;
}

export interface ClassRow {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface DashboardState {
  readonly run: RunSummary;
  readonly curves: Curves;
  readonly metrics: readonly MetricRow[];
  /** Per-fold metric values of cross-validation, one row per fold. */
  readonly folds?: readonly Readonly<Record<string, number>>[];
  /** Rows: truth, columns: prediction, both in `labels` order. */
  readonly confusion?: { readonly labels: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  readonly perClass?: readonly ClassRow[];
  readonly roc?: { readonly fpr: readonly number[]; readonly tpr: readonly number[]; readonly auc?: number; readonly positive?: string };
  readonly predictions?: { readonly actual: readonly number[]; readonly predicted: readonly number[] };
  readonly importances?: readonly { readonly name: string; readonly value: number }[];
  /** Permutation importance of the original columns on held-out rows, sorted by mean, largest first. */
  readonly permutation?: {
    readonly metric: string;
    readonly repeats: number;
    readonly scope: string;
    readonly rows: number;
    readonly features: readonly { readonly name: string; readonly mean: number; readonly std: number }[];
  };
  readonly params: readonly (readonly [string, string])[];
  readonly data?: { readonly path: string; readonly sha256: string; readonly rows: number; readonly columns: number; readonly bytes: number };
  readonly environment: readonly (readonly [string, string])[];
  /** What the run's files lack for a chart a user would expect, said plainly. */
  readonly missing: readonly string[];
  /** Said in place of the training curves when there are none: why (waiting, one-pass model, or the run's failure). */
  readonly curvesNote: string;
  /** Trials of a sweep (the leaderboard shows them). */
  readonly trialCount?: number;
  /** Error analysis: misclassified (or worst-residual) held-out rows, from the run's errors.json. */
  readonly errors?: ErrorTable;
  /** embed steps: each one's column, encoder folder, width and texts cut; the run's embedding cache hits and texts embedded. */
  readonly embeddings?: EmbeddingsSummary;
}

export interface EmbeddingsSummary {
  readonly steps: readonly {
    readonly column: string;
    readonly model: string;
    readonly sha256: string;
    readonly width: number;
    readonly truncated: number;
    readonly maxLength: number;
  }[];
  readonly cache: { readonly hits: number; readonly misses: number };
}

export interface CompareRow {
  readonly kind: 'param' | 'metric' | 'info';
  readonly name: string;
  /** One cell per run, in `runs` order, already formatted. */
  readonly values: readonly (string | null)[];
  /** Indexes of the runs holding the best value (metrics only). */
  readonly best: readonly number[];
  readonly differs: boolean;
}

export interface CompareState {
  readonly runs: readonly RunSummary[];
  /** One loss curve per run (the mean over folds, per step). */
  readonly curves: readonly (CurveSeries & { readonly runIndex: number })[];
  readonly rows: readonly CompareRow[];
  /** Runs asked for but not found in the store. */
  readonly notFound: readonly string[];
}

export type ParamValue = string | number | boolean | null;

export interface TrialRow {
  readonly index: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Undefined when the trial failed. */
  readonly score?: number;
  readonly std?: number;
  readonly error?: string;
}

export interface LeaderboardState {
  readonly run: RunSummary;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly paramNames: readonly string[];
  readonly trials: readonly TrialRow[];
  /** Planned number of trials, when known. */
  readonly planned?: number;
  readonly bestIndex?: number;
  /** A trial the user opened from the Runs view. */
  readonly focusIndex?: number;
  /** Each parameter's entry in the search space (a list of values or a range such as `{ loguniform: [a, b] }`), for the charts' axes. */
  readonly space?: Readonly<Record<string, unknown>>;
  /** What a trial's score is, e.g. "CV mean of f1_macro over 5 folds". */
  readonly scoreDefinition: string;
}

export type ViewName = 'dashboard' | 'compare' | 'leaderboard';

/** Host → webview. */
export type HostMessage =
  | { readonly type: 'dashboard'; readonly state: DashboardState }
  | { readonly type: 'compare'; readonly state: CompareState }
  | { readonly type: 'leaderboard'; readonly state: LeaderboardState }
  | { readonly type: 'error'; readonly message: string };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  /** Sent after a state was drawn; `confusion` is the matrix the heatmap shows, `embeddings` the embeddings text drawn (used by tests). */
  | {
      readonly type: 'rendered';
      readonly view: ViewName;
      readonly charts: readonly string[];
      readonly confusion?: readonly (readonly number[])[];
      /** The text drawn for the run's text embeddings (each table row, then the cache line), when it has some. */
      readonly embeddings?: readonly string[];
    }
  | { readonly type: 'cancelRun'; readonly runId: string }
  | { readonly type: 'openDashboard'; readonly runId: string }
  | { readonly type: 'openLeaderboard'; readonly runId: string }
  /** Opens the run's log.txt in an editor. */
  | { readonly type: 'showRunLog'; readonly runId: string }
  /** Opens the run's data file in the preview at a 1-based data row (an error table row). */
  | { readonly type: 'openDataRow'; readonly runId: string; readonly row: number };

/** What each webview keeps with `setState` so its panel can be restored after a reload. */
export interface PersistedState {
  readonly runId?: string;
  readonly runIds?: readonly string[];
}

const HOST_TYPES = new Set(['dashboard', 'compare', 'leaderboard', 'error']);
const RUN_MESSAGES = new Set(['cancelRun', 'openDashboard', 'openLeaderboard', 'showRunLog']);
const VIEWS = new Set(['dashboard', 'compare', 'leaderboard']);

/** Checks a message from the webview where it arrives: anything else is ignored. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value) || typeof value.type !== 'string') return false;
  if (value.type === 'ready') return true;
  if (value.type === 'rendered') return typeof value.view === 'string' && VIEWS.has(value.view) && Array.isArray(value.charts);
  if (value.type === 'openDataRow')
    return typeof value.runId === 'string' && /^[\w.-]+$/.test(value.runId) && typeof value.row === 'number' && Number.isInteger(value.row) && value.row >= 1;
  return RUN_MESSAGES.has(value.type) && typeof value.runId === 'string' && /^[\w.-]+$/.test(value.runId);
}

/** Checks a message from the host where it arrives. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isRecord(value) || typeof value.type !== 'string' || !HOST_TYPES.has(value.type)) return false;
  return value.type === 'error' ? typeof value.message === 'string' : isRecord(value.state);
}

/** Reads the persisted state a serializer gets back; anything malformed gives an empty object. */
export function persistedState(value: unknown): PersistedState {
  if (!isRecord(value)) return {};
  const runId = typeof value.runId === 'string' ? value.runId : undefined;
  const runIds = Array.isArray(value.runIds) ? value.runIds.filter((id): id is string => typeof id === 'string') : undefined;
  return { ...(runId ? { runId } : {}), ...(runIds ? { runIds } : {}) };
}
