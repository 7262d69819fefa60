/**
 * The host↔webview contract of the deployment monitor. Imported by both sides (no `vscode` import).
 * The webview says `ready` first; the host then pushes the whole state on every poll of the
 * service, and the webview keeps the time series itself (a rolling window of recent states).
 */
import { isRecord } from '../../core/json';
import type { MonitorSnapshot } from '../../serve/contract';

export type ServiceState = 'starting' | 'serving' | 'stopped' | 'crashed';

export interface DeploymentSummary {
  readonly id: string;
  readonly runId: string;
  readonly experiment: string;
  readonly url: string;
  readonly state: ServiceState;
  readonly reason?: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly restarts: number;
}

export interface DriftRow {
  readonly name: string;
  readonly kind: string;
  /** ks, chisquare, z, wasserstein_normed or jensenshannon. */
  readonly method: string;
  /** The test statistic, or the distance for distance methods. */
  readonly statistic: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly psi: number | null;
  readonly drifted: boolean;
  readonly referenceCount: number;
  readonly currentCount: number;
}

export interface DriftSummary {
  readonly datasetDrift: boolean;
  readonly driftedFeatures: number;
  readonly driftedFeatureNames: readonly string[];
  /** Drifted share of the measured features, and the share from which the dataset drifts. */
  readonly share: number;
  readonly driftShare: number;
  readonly referenceRows: number;
  readonly currentRows: number;
  readonly features: readonly DriftRow[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface FeedbackScores {
  readonly count: number;
  readonly accuracy?: number;
  readonly precision_macro?: number;
  readonly recall_macro?: number;
  readonly f1_macro?: number;
  readonly mae?: number;
  readonly rmse?: number;
}

/** One model version of the served run, with the feedback on the predictions it made. */
export interface VersionRow {
  readonly version: number;
  readonly source: 'training' | 'online';
  readonly createdAt: string;
  /** Labelled rows the online update learned from. */
  readonly rows?: number;
  readonly skippedRows?: number;
  /** Why an online update was kept but not served (it scored worse on rows it did not learn from). */
  readonly heldBack?: string;
  readonly feedback: FeedbackScores;
}

/** Online updates of the served model, when the service was started with them. */
export interface OnlineSummary {
  readonly supported: boolean;
  readonly reason?: string;
  readonly minRows: number;
  readonly updates: number;
  readonly pendingRows: number;
  readonly lastError?: string;
}

/** The fields of the service's answer (src/serve/contract.ts) the panel takes as they are, once checked. */
type ServiceScalars =
  'time' | 'model' | 'task' | 'uptimeSeconds' | 'requests' | 'windowSeconds' | 'requestsPerSecond' | 'errorRate' | 'process' | 'modelVersion';

/** One poll of the service's GET /monitor, checked and reduced to what the panel shows. */
export interface ServiceSnapshot extends Pick<MonitorSnapshot, ServiceScalars> {
  /** Zero before the first prediction. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly predictions: { readonly total: number; readonly byClass?: readonly (readonly [string, number])[]; readonly mean?: number };
  readonly feedback: FeedbackScores;
  /** Absent until the service has seen requests. */
  readonly drift?: DriftSummary;
  /** The versions up to the one serving now (modelVersion). */
  readonly versions: readonly VersionRow[];
  readonly online?: OnlineSummary;
}

export interface MonitorState {
  readonly deployment: DeploymentSummary;
  /** The last snapshot this window saw; `live` says whether it comes from a serving service. */
  readonly snapshot?: ServiceSnapshot;
  readonly live: boolean;
  /** The alert settings, so the panel can draw the accuracy threshold. */
  readonly alerts: { readonly alertOnDrift: boolean; readonly accuracyThreshold: number };
}

/** Host → webview. */
export type HostMessage = { readonly type: 'state'; readonly state: MonitorState } | { readonly type: 'error'; readonly message: string };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  /** Sent after a state was drawn: the charts with data on their canvas, and the drift table's rows (used by tests). */
  | { readonly type: 'rendered'; readonly charts: readonly string[]; readonly driftRows: number; readonly historyPoints: number }
  | { readonly type: 'command'; readonly command: 'stop' | 'restart' | 'showLog' | 'copyUrl' | 'retrain' };

/** One point of the webview's rolling history. */
export interface HistoryPoint {
  /** Milliseconds since the epoch (service clock). */
  readonly t: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errorRate: number;
  readonly cpu: number;
  readonly rss: number;
  readonly accuracy?: number;
  readonly rmse?: number;
  readonly driftShare?: number;
}

/** What the webview keeps with `setState`, so a restored or re-shown panel has its deployment and history. */
export interface PersistedState {
  readonly deploymentId?: string;
  readonly history?: readonly HistoryPoint[];
}

const COMMANDS = new Set(['stop', 'restart', 'showLog', 'copyUrl', 'retrain']);

/** Checks a message from the webview where it arrives: anything else is ignored. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'ready') return true;
  if (value.type === 'rendered') return Array.isArray(value.charts) && typeof value.driftRows === 'number' && typeof value.historyPoints === 'number';
  return value.type === 'command' && typeof value.command === 'string' && COMMANDS.has(value.command);
}

/** Checks a message from the host where it arrives. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'error') return typeof value.message === 'string';
  return value.type === 'state' && isRecord(value.state) && isRecord(value.state.deployment);
}

/** Reads the persisted state a serializer or a re-shown webview gets back; malformed parts are dropped. */
export function persistedState(value: unknown): PersistedState {
  if (!isRecord(value)) return {};
  const deploymentId = typeof value.deploymentId === 'string' ? value.deploymentId : undefined;
  const history = Array.isArray(value.history)
    ? value.history.filter((p): p is HistoryPoint => isRecord(p) && typeof p.t === 'number' && typeof p.rps === 'number')
    : undefined;
  return { ...(deploymentId ? { deploymentId } : {}), ...(history ? { history } : {}) };
}
