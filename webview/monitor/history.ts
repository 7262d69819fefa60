/**
 * The monitor's rolling history: one point per poll of the service, the last HISTORY_MS kept.
 * Pure (no DOM), so it is unit-tested in Node.
 */
import type { HistoryPoint, ServiceSnapshot } from '../../src/extension/monitor/contract';

export const HISTORY_MS = 5 * 60_000;

/** The point a snapshot adds to the time series. */
export function historyPoint(snapshot: ServiceSnapshot): HistoryPoint | undefined {
  const t = Date.parse(snapshot.time);
  if (!Number.isFinite(t)) return undefined;
  const { feedback, drift } = snapshot;
  return {
    t,
    rps: snapshot.requestsPerSecond,
    p50: snapshot.latency.p50,
    p95: snapshot.latency.p95,
    p99: snapshot.latency.p99,
    errorRate: snapshot.errorRate,
    cpu: snapshot.process.cpuPercent,
    rss: snapshot.process.rssBytes,
    ...(feedback.accuracy === undefined ? {} : { accuracy: feedback.accuracy }),
    ...(feedback.rmse === undefined ? {} : { rmse: feedback.rmse }),
    ...(drift ? { driftShare: drift.share } : {}),
  };
}

/**
 * Adds a point in time order: the same poll pushed twice (a re-render, a restored panel) is kept
 * once, and points older than `windowMs` before the newest are dropped.
 */
export function appendHistory(history: readonly HistoryPoint[], point: HistoryPoint, windowMs = HISTORY_MS): HistoryPoint[] {
  const kept = history.filter((p) => p.t !== point.t);
  let at = kept.length;
  while (at > 0 && (kept[at - 1] as HistoryPoint).t > point.t) at--;
  kept.splice(at, 0, point);
  const newest = (kept[kept.length - 1] as HistoryPoint).t;
  return kept.filter((p) => p.t >= newest - windowMs);
}
