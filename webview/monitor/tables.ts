/** Text of the monitor's tables. Pure (no DOM), so it is unit-tested in Node. */
import type { DriftRow, FeedbackScores, OnlineSummary, VersionRow } from '../../src/extension/monitor/contract';

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

/** The headers of the model-versions table: the quality column is accuracy or MAE. */
export function versionHeaders(classification: boolean): string[] {
  return ['Version', 'Made by', 'Created', 'Rows learned', 'Labelled predictions', classification ? 'Accuracy on them' : 'MAE on them'];
}

/** The cells of one model version: newest first in the table, the serving one marked. */
export function versionCells(row: VersionRow, classification: boolean, serving: number): string[] {
  // A held-back update says why it does not serve: that is what its row is there to show.
  const made = row.source === 'online' ? `online update${row.heldBack ? ` — ${row.heldBack}` : ''}` : 'training';
  const learned = row.rows === undefined ? '—' : `${row.rows}${row.skippedRows ? ` (${row.skippedRows} left out)` : ''}`;
  return [
    `v${row.version}${row.version === serving ? ' (serving)' : row.heldBack ? ' (held back)' : ''}`,
    made,
    row.createdAt ? row.createdAt.replace('T', ' ').slice(0, 19) : '—',
    learned,
    String(row.feedback.count),
    score(classification ? row.feedback.accuracy : row.feedback.mae),
  ];
}

/** The sentence above the versions table: whether and how the model learns from feedback. */
export function onlineNote(online: OnlineSummary | undefined, serving: number): string {
  if (!online) {
    return `Serving model version ${serving}. Online updates from feedback are off; turn them on from the Deployed Models view, or retrain with feedback.`;
  }
  if (!online.supported) return `Serving model version ${serving}. ${online.reason ?? 'This model cannot learn online.'}`;
  const next = `${online.pendingRows} of ${online.minRows} labelled rows gathered for the next update`;
  const error = online.lastError ? ` Last problem: ${online.lastError}.` : '';
  return `Serving model version ${serving}, updated online ${online.updates} time${online.updates === 1 ? '' : 's'} since the service started; ${next}.${error}`;
}
