/**
 * Builds the monitor panel's state from a deployment record and the service's GET /monitor JSON.
 * The JSON comes from another process, so it is checked field by field here, where it arrives;
 * a field of the wrong type is dropped rather than shown. No `vscode` import: unit-tested in Node.
 */
import type {
  DeploymentSummary,
  DriftRow,
  DriftSummary,
  FeedbackScores,
  MonitorState,
  OnlineSummary,
  ServiceSnapshot,
  ServiceState,
  VersionRow,
} from './contract';
import { isRecord } from '../../core/json';
import type { MonitorSnapshot } from '../../serve/contract';

/** The fields of a DeploymentRecord (deployments/manager) the panel shows. */
export interface DeploymentFields {
  readonly id: string;
  readonly runId: string;
  readonly experiment: string;
  readonly host: string;
  readonly port: number;
  readonly state: ServiceState;
  readonly reason?: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly restarts: number;
}

type Json = Record<string, unknown>;

/** The service's GET /monitor answer (src/serve/contract.ts) before it is checked: every field unknown. */
type Answer = { readonly [K in keyof MonitorSnapshot]?: unknown };

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function optionalNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function object(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function driftRow(value: unknown): DriftRow | undefined {
  if (!isRecord(value) || typeof value.name !== 'string') return undefined;
  const pValue = optionalNum(value.pValue);
  return {
    name: value.name,
    kind: str(value.kind),
    method: str(value.method),
    statistic: num(value.statistic, Number.NaN),
    ...(pValue === undefined ? {} : { pValue }),
    threshold: num(value.threshold, Number.NaN),
    psi: optionalNum(value.psi) ?? null,
    drifted: value.drifted === true,
    referenceCount: num(value.referenceCount),
    currentCount: num(value.currentCount),
  };
}

function driftSummary(value: unknown): DriftSummary | undefined {
  if (!isRecord(value) || !Array.isArray(value.features)) return undefined;
  const features = value.features.map(driftRow).filter((row): row is DriftRow => row !== undefined);
  const names = Array.isArray(value.driftedFeatureNames)
    ? value.driftedFeatureNames.filter((n): n is string => typeof n === 'string')
    : features.filter((f) => f.drifted).map((f) => f.name);
  const skipped = Array.isArray(value.skipped) ? value.skipped.filter(isRecord).map((s) => ({ name: str(s.name), reason: str(s.reason) })) : [];
  return {
    datasetDrift: value.datasetDrift === true,
    driftedFeatures: num(value.driftedFeatures, names.length),
    driftedFeatureNames: names,
    share: num(value.share),
    driftShare: num(value.driftShare, 0.5),
    referenceRows: num(value.referenceRows),
    currentRows: num(value.currentRows),
    features,
    skipped,
  };
}

function feedbackScores(value: unknown): FeedbackScores {
  const source = object(value);
  const scores: { -readonly [K in keyof FeedbackScores]: FeedbackScores[K] } = { count: num(source.count) };
  for (const key of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'mae', 'rmse'] as const) {
    const score = optionalNum(source[key]);
    if (score !== undefined) scores[key] = score;
  }
  return scores;
}

function versionRow(value: unknown): VersionRow | undefined {
  if (!isRecord(value) || typeof value.version !== 'number') return undefined;
  const rows = optionalNum(value.rows);
  const skippedRows = optionalNum(value.skippedRows);
  return {
    version: value.version,
    source: value.source === 'online' ? 'online' : 'training',
    createdAt: str(value.createdAt),
    ...(rows === undefined ? {} : { rows }),
    ...(skippedRows === undefined ? {} : { skippedRows }),
    ...(typeof value.heldBack === 'string' ? { heldBack: value.heldBack } : {}),
    feedback: feedbackScores(value.feedback),
  };
}

function onlineSummary(value: unknown): OnlineSummary | undefined {
  if (!isRecord(value)) return undefined;
  return {
    supported: value.supported !== false,
    ...(typeof value.reason === 'string' ? { reason: value.reason } : {}),
    minRows: num(value.minRows),
    updates: num(value.updates),
    pendingRows: num(value.pendingRows),
    ...(typeof value.lastError === 'string' ? { lastError: value.lastError } : {}),
  };
}

/** The service's /monitor JSON as the panel shows it; undefined when it is not a monitor answer at all. */
export function serviceSnapshot(json: unknown): ServiceSnapshot | undefined {
  if (!isRecord(json)) return undefined;
  // Read by the contract's field names, so renaming one there fails to compile here.
  const raw: Answer = json;
  if (typeof raw.requests !== 'number') return undefined;
  const latency = object(raw.latency);
  const proc = object(raw.process);
  const predictions = object(raw.predictions);
  const byClass = isRecord(predictions.byClass)
    ? Object.entries(predictions.byClass).filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    : undefined;
  const mean = optionalNum(predictions.mean);
  const drift = driftSummary(raw.drift);
  const versions = Array.isArray(raw.versions) ? raw.versions.map(versionRow).filter((v): v is VersionRow => v !== undefined) : [];
  const online = onlineSummary(raw.online);
  return {
    time: str(raw.time, new Date().toISOString()),
    model: str(raw.model),
    task: str(raw.task),
    uptimeSeconds: num(raw.uptimeSeconds),
    requests: num(raw.requests),
    windowSeconds: num(raw.windowSeconds),
    requestsPerSecond: num(raw.requestsPerSecond),
    errorRate: num(raw.errorRate),
    latency: { p50: num(latency.p50), p95: num(latency.p95), p99: num(latency.p99) },
    process: { pid: num(proc.pid), cpuPercent: num(proc.cpuPercent), rssBytes: num(proc.rssBytes), heapUsedBytes: num(proc.heapUsedBytes) },
    predictions: { total: num(predictions.total), ...(byClass ? { byClass } : {}), ...(mean === undefined ? {} : { mean }) },
    feedback: feedbackScores(raw.feedback),
    ...(drift ? { drift } : {}),
    modelVersion: num(raw.modelVersion, 1),
    versions,
    ...(online ? { online } : {}),
  };
}

export function deploymentSummary(record: DeploymentFields): DeploymentSummary {
  return {
    id: record.id,
    runId: record.runId,
    experiment: record.experiment,
    url: `http://${record.host}:${record.port}`,
    state: record.state,
    ...(record.reason ? { reason: record.reason } : {}),
    startedAt: record.startedAt,
    ...(record.stoppedAt ? { stoppedAt: record.stoppedAt } : {}),
    restarts: record.restarts,
  };
}

/** The whole state one push gives the panel. */
export function monitorState(record: DeploymentFields, snapshot: ServiceSnapshot | undefined, alerts: MonitorState['alerts']): MonitorState {
  return {
    deployment: deploymentSummary(record),
    ...(snapshot ? { snapshot } : {}),
    live: record.state === 'serving' && snapshot !== undefined,
    alerts,
  };
}
