/** Text of the monitor's tables. Pure (no DOM), so it is unit-tested in Node. */
import type { DriftRow, FeedbackScores } from '../../src/extension/monitor/contract';

const METHODS: Record<string, string> = {
  ks: 'Kolmogorov–Smirnov',
  chisquare: 'chi-squared',
  z: 'z-test of proportions',
  wasserstein_normed: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon',
};

export function methodName(method: string): string {
  return METHODS[method] ?? method;
}

/** When a feature counts as drifted: p below the threshold for tests, distance at or above it otherwise. */
export function thresholdText(row: Pick<DriftRow, 'pValue' | 'threshold'>): string {
  return row.pValue === undefined ? `distance ≥ ${row.threshold}` : `p < ${row.threshold}`;
}

function score(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(4);
}

/** The rows of the feedback table: the classification scores or the regression errors. */
export function feedbackRows(feedback: FeedbackScores | undefined, classification: boolean): [string, string][] {
  const rows: [string, string][] = classification
    ? [
        ['Accuracy', score(feedback?.accuracy)],
        ['Precision (macro)', score(feedback?.precision_macro)],
        ['Recall (macro)', score(feedback?.recall_macro)],
        ['F1 (macro)', score(feedback?.f1_macro)],
      ]
    : [
        ['MAE', score(feedback?.mae)],
        ['RMSE', score(feedback?.rmse)],
      ];
  rows.push(['Labelled requests', String(feedback?.count ?? 0)]);
  return rows;
}
