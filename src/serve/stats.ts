/**
 * Request statistics of the service, on core/monitor's recorders: answered requests by route and
 * status (for /metrics), a latency recorder per route (exact recent percentiles and the all-time
 * Prometheus histogram), and request and 5xx rates over a trailing window (for /monitor).
 */
import { LatencyRecorder, RateMeter, type HistogramSnapshot, type LatencySummary } from '../core/monitor';

/** The route whose latency /monitor reports: predictions, not the monitor's own polls. */
export const PREDICTION_ROUTE = '/invocations';

export interface WindowSummary {
  readonly windowSeconds: number;
  readonly requestsPerSecond: number;
  /** Share of 5xx answers among the window's requests. */
  readonly errorRate: number;
  /** Milliseconds over the most recent predictions (NaN before the first). */
  readonly latencyMs: LatencySummary;
}

/**
 * Scrapes by monitoring tools (the extension polls /monitor every 2 s) and health probes (the
 * extension asks /health until a new service answers; orchestrators probe the v2 routes): counted by
 * route, not as traffic, so "Requests" stays 0 until the first real request.
 */
export const MONITORING_ROUTES: ReadonlySet<string> = new Set(['/monitor', '/metrics', '/health', '/ping', '/v2/health/live', '/v2/health/ready']);

/** Counts every answered request; the total, rate and error share leave monitoring scrapes out. */
export class RequestStats {
  /** `route status` → count. */
  readonly counts = new Map<string, { route: string; status: number; count: number }>();
  private readonly latencies = new Map<string, LatencyRecorder>();
  private readonly requests: RateMeter;
  private readonly errors: RateMeter;
  total = 0;

  constructor(readonly windowSeconds = 10) {
    this.requests = new RateMeter(windowSeconds);
    this.errors = new RateMeter(windowSeconds);
  }

  /** Records one answered request; `latencyMs` from arrival to the response. */
  record(route: string, status: number, latencyMs: number, now = Date.now()): void {
    const key = `${route} ${status}`;
    const counted = this.counts.get(key);
    if (counted) counted.count++;
    else this.counts.set(key, { route, status, count: 1 });
    let recorder = this.latencies.get(route);
    if (!recorder) {
      recorder = new LatencyRecorder();
      this.latencies.set(route, recorder);
    }
    recorder.record(latencyMs);
    if (MONITORING_ROUTES.has(route)) return;
    this.total++;
    this.requests.mark(now);
    // Marked for every request (0 or 1) so both meters cover the same span and their ratio is the 5xx share.
    this.errors.mark(now, status >= 500 ? 1 : 0);
  }

  /** The all-time latency histogram of each route. */
  histograms(): [string, HistogramSnapshot][] {
    return [...this.latencies].map(([route, recorder]) => [route, recorder.histogram()]);
  }

  /** Requests/s and 5xx share over the trailing window; latency percentiles of recent predictions. */
  summary(now = Date.now()): WindowSummary {
    const rate = this.requests.rate(now);
    const latency = this.latencies.get(PREDICTION_ROUTE)?.summary() ?? { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
    return { windowSeconds: this.windowSeconds, requestsPerSecond: rate, errorRate: rate > 0 ? this.errors.rate(now) / rate : 0, latencyMs: latency };
  }
}
