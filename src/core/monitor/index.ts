/** Monitoring computations of a prediction service: drift window, latency and rate, feedback scores, Prometheus text. */
export { SlidingWindow, DEFAULT_WINDOW_ROWS } from './window';
export { LatencyRecorder, RateMeter, percentileOfSorted, DEFAULT_LATENCY_BUCKETS } from './latency';
export type { HistogramSnapshot, LatencySummary } from './latency';
export { FeedbackStore } from './feedback';
export type { FeedbackMetrics, FeedbackOutcome, Prediction, PredictionRecord } from './feedback';
export { counter, escapeHelp, escapeLabelValue, exposition, formatValue, gauge, histogram, PROMETHEUS_CONTENT_TYPE } from './prometheus';
export type { HistogramSeries, Labels, Sample } from './prometheus';
