/** Why the Requests tile and the predictions differ (no DOM here, so it is unit tested). */

/** Said under the Requests tile when its count is not the number of predicted rows; '' when they agree. */
export function requestsNote(requests: number, predictedRows: number): string {
  if (predictedRows === requests) return '';
  if (predictedRows > requests)
    return `${predictedRows} rows predicted: a batch request (several rows in one body) counts once here, each of its rows once in the predictions`;
  return `${predictedRows} rows predicted: the other requests were feedback, refused or failed`;
}
