/**
 * The prediction service's answer to GET /monitor, shared with the extension, which polls it and
 * checks it field by field where it arrives (extension/monitor/state.ts serviceSnapshot). No
 * fastify or vscode import (lint enforces it): only types, so importing it loads nothing.
 */
import type { DriftReport } from '../core/drift';
import type { ServiceFeedbackMetrics } from './feedback';
import type { OnlineStatus, VersionSummary } from './online';
import type { WindowSummary } from './stats';

/**
 * The JSON the Deployed Models view and the monitor panel poll (GET /monitor). Latencies are in
 * milliseconds over the last `windowSeconds`; `requests` counts every request since start.
 */
export interface MonitorSnapshot {
  readonly time: string;
  readonly runId: string;
  readonly model: string;
  readonly task: string;
  readonly uptimeSeconds: number;
  readonly requests: number;
  readonly windowSeconds: number;
  readonly requestsPerSecond: number;
  /** Share of 5xx answers in the window. */
  readonly errorRate: number;
  /** Milliseconds over the most recent predictions; only `count: 0` before the first. */
  readonly latency: WindowSummary['latencyMs'] | { readonly count: 0 };
  readonly process: { readonly pid: number; readonly cpuPercent: number; readonly rssBytes: number; readonly heapUsedBytes: number };
  readonly predictions: { readonly total: number; readonly byClass?: Record<string, number>; readonly mean?: number };
  readonly feedback: ServiceFeedbackMetrics;
  /** The model version serving now (1: the trained model). */
  readonly modelVersion: number;
  /** The run's model versions (the last 20), with the feedback on the predictions each made. */
  readonly versions: readonly VersionSummary[];
  /** Present when online updates are on. */
  readonly online?: OnlineStatus;
  /**
   * Absent until requests arrived. The core report, except that `driftedFeatures` is the count
   * (the Deployed Models view shows it) and the names are in `driftedFeatureNames`.
   */
  readonly drift?: Omit<DriftReport, 'driftedFeatures'> & { readonly driftedFeatures: number; readonly driftedFeatureNames: readonly string[] };
}
