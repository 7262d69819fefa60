/** Metrics of the ML core: classification, probabilities, regression, and the run's metrics object. */
export { accuracy, balancedAccuracy, confusionMatrix, precisionRecallF1 } from './classification';
export type { AveragedScores, ClassScores, PrecisionRecallF1 } from './classification';
export { sortLabels, presentLabels } from './labels';
export { logLoss } from './logLoss';
export { auc, rocAuc, rocAucBinary, rocCurve } from './roc';
export type { RocCurve } from './roc';
export { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError } from './regression';
export { computeMetrics, defaultMetric, greaterIsBetter, metricInfo, METRIC_NAMES, scalarMetrics } from './compute';
export type { ClassificationMetrics, MetricInfo, Metrics, RegressionMetrics } from './compute';
