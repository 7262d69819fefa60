/**
 * Request latency and throughput of a prediction service. Percentiles are exact over a ring of the
 * most recent latencies (numpy's default linear interpolation between order statistics), so p99 of
 * the last 10,000 requests is the true one rather than a bucket bound; all-time counts go to a
 * cumulative Prometheus histogram. Times are passed in, so the recorder is pure and testable.
 */
import { MlError } from '../types';

/** Bucket bounds in seconds, finer than Prometheus' defaults at the low end where a local model answers. */
export const DEFAULT_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Linear-interpolation percentile of sorted values (numpy.percentile default); NaN when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(q >= 0 && q <= 100)) throw new MlError(`percentile must be between 0 and 100, got ${q}`);
  const rank = (q / 100) * (n - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, n - 1);
  const lo = sorted[below] as number;
  const hi = sorted[above] as number;
  return lo + (hi - lo) * (rank - below);
}

export interface LatencySummary {
  /** Latencies in the ring (the percentiles' sample). */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface HistogramSnapshot {
  /** Upper bounds in seconds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative counts per bound, then the +Inf bucket (= count). */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** Records latencies in milliseconds; reports exact recent percentiles and an all-time histogram. */
export class LatencyRecorder {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private readonly bucketCounts: number[];
  private total = 0;
  private sumSeconds = 0;

  constructor(
    capacity = 10000,
    readonly bounds: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new MlError(`latency ring size must be a positive integer, got ${capacity}`);
    for (let i = 1; i < bounds.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number))) throw new MlError('latency buckets must increase');
    }
    this.ring = new Float64Array(capacity);
    this.bucketCounts = new Array<number>(bounds.length).fill(0);
  }

  /** Adds one request's latency in milliseconds. */
  record(milliseconds: number): void {
    if (!Number.isFinite(milliseconds) || milliseconds < 0) return;
    this.ring[this.next] = milliseconds;
    this.next = (this.next + 1) % this.ring.length;
    this.filled = Math.min(this.filled + 1, this.ring.length);
    const seconds = milliseconds / 1000;
    this.total++;
    this.sumSeconds += seconds;
    // Prometheus buckets are "less than or equal": the first bound at or above the value.
    const bucket = this.bounds.findIndex((b) => seconds <= b);
    if (bucket >= 0) this.bucketCounts[bucket] = (this.bucketCounts[bucket] as number) + 1;
  }

  /** p50/p95/p99 (ms) of the latencies in the ring. */
  summary(): LatencySummary {
    const sorted = this.ring.slice(0, this.filled).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.filled,
      p50: percentileOfSorted(sorted, 50),
      p95: percentileOfSorted(sorted, 95),
      p99: percentileOfSorted(sorted, 99),
      max: this.filled ? (sorted[this.filled - 1] as number) : Number.NaN,
      mean: this.filled ? sum / this.filled : Number.NaN,
    };
  }

  /** All-time cumulative histogram in seconds, as Prometheus exposes it. */
  histogram(): HistogramSnapshot {
    const cumulative: number[] = [];
    let running = 0;
    for (const c of this.bucketCounts) cumulative.push((running += c));
    cumulative.push(this.total);
    return { bounds: [...this.bounds], cumulative, sum: this.sumSeconds, count: this.total };
  }
}

/** Requests per second over a trailing window, counted in one-second slots. */
export class RateMeter {
  private readonly seconds: Float64Array;
  private readonly counts: Float64Array;
  private startMs: number | undefined;

  constructor(readonly windowSeconds = 10) {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new MlError(`rate window must be a positive number of seconds, got ${windowSeconds}`);
    this.seconds = new Float64Array(windowSeconds).fill(-1);
    this.counts = new Float64Array(windowSeconds);
  }

  /** Counts `n` events at time `nowMs` (epoch or monotonic milliseconds). */
  mark(nowMs: number, n = 1): void {
    this.startMs ??= nowMs;
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.windowSeconds;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] as number) + n;
  }

  /** Events per second over the trailing window (or since the first event, when that is shorter). */
  rate(nowMs: number): number {
    if (this.startMs === undefined) return 0;
    const second = Math.floor(nowMs / 1000);
    let events = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      const s = this.seconds[i] as number;
      if (s > second - this.windowSeconds && s <= second) events += this.counts[i] as number;
    }
    const span = Math.min(this.windowSeconds, Math.max(1, (nowMs - this.startMs) / 1000));
    return events / span;
  }
}
