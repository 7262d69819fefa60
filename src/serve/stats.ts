/**
 * Request counters of the service: totals by route and status and a latency histogram (for
 * /metrics), and a ring of recent requests (for the monitor's requests/s, percentiles, error rate).
 */

/** Upper bounds of the latency histogram, in seconds (Prometheus convention). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export interface WindowSummary {
  readonly windowSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly errorRate: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number };
}

/** Counts every answered request; keeps the last `capacity` for window statistics. */
export class RequestStats {
  /** `route status` → count. */
  readonly counts = new Map<string, { route: string; status: number; count: number }>();
  /** Per route: count in each bucket (not cumulative), then sum and count. */
  readonly histograms = new Map<string, { buckets: number[]; sum: number; count: number }>();
  total = 0;
  private readonly times: Float64Array;
  private readonly latencies: Float64Array;
  private readonly errors: Uint8Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly capacity = 50_000) {
    this.times = new Float64Array(capacity);
    this.latencies = new Float64Array(capacity);
    this.errors = new Uint8Array(capacity);
  }

  /** Records one answered request; `latencyMs` from arrival to the last byte sent. */
  record(route: string, status: number, latencyMs: number, now = Date.now()): void {
    this.total++;
    const key = `${route} ${status}`;
    const counted = this.counts.get(key);
    if (counted) counted.count++;
    else this.counts.set(key, { route, status, count: 1 });
    let histogram = this.histograms.get(route);
    if (!histogram) {
      histogram = { buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.histograms.set(route, histogram);
    }
    const seconds = latencyMs / 1000;
    let b = 0;
    while (b < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[b] as number)) b++;
    histogram.buckets[b] = (histogram.buckets[b] as number) + 1;
    histogram.sum += seconds;
    histogram.count++;
    this.times[this.next] = now;
    this.latencies[this.next] = latencyMs;
    this.errors[this.next] = status >= 500 ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** Requests/s, error rate (5xx share) and latency percentiles over the last `windowSeconds`. */
  summary(windowSeconds = 60, now = Date.now()): WindowSummary {
    const since = now - windowSeconds * 1000;
    const recent: number[] = [];
    let errors = 0;
    let oldest = now;
    for (let k = 0; k < this.filled; k++) {
      const i = (this.next - 1 - k + this.capacity) % this.capacity;
      const time = this.times[i] as number;
      if (time < since) break;
      oldest = time;
      recent.push(this.latencies[i] as number);
      errors += this.errors[i] as number;
    }
    recent.sort((a, b) => a - b);
    // Before a full window has passed, rates use the time actually covered.
    const covered = Math.max(1, Math.min(windowSeconds, (now - oldest) / 1000));
    const mean = recent.length ? recent.reduce((s, v) => s + v, 0) / recent.length : 0;
    return {
      windowSeconds,
      requests: recent.length,
      requestsPerSecond: recent.length / covered,
      errorRate: recent.length ? errors / recent.length : 0,
      latencyMs: { p50: quantile(recent, 0.5), p95: quantile(recent, 0.95), p99: quantile(recent, 0.99), mean },
    };
  }
}

/** Linear-interpolated quantile of sorted values (numpy's default); 0 when empty. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}
