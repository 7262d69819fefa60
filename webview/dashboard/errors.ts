/** The dashboard's error analysis: the held-out rows the model got wrong, each opening the data preview at its row. */
import type { DashboardState } from '../../src/extension/dashboard/contract';
import { el, formatNumber, post, section } from './common';

/** A value as the data file has it (numbers unrounded), so it reads as in the preview. */
function cellText(value: string | number | null): string {
  if (value === null) return '∅';
  return String(value);
}

/** Misclassified rows (classification) or the largest residuals (regression) as a table; Enter or a click opens the row. */
export function errorsSection(s: DashboardState): HTMLElement | null {
  const errors = s.errors;
  if (!errors) return null;
  const classification = errors.kind === 'misclassified';
  const title = classification ? 'Misclassified held-out rows' : 'Largest residuals on held-out rows';
  const shown = errors.rows.length;
  const summary = classification
    ? `${errors.total} of ${errors.scored} held-out rows are misclassified${shown < errors.total ? `; the ${shown} the model was surest of are listed` : ''}, most confident first.`
    : `The ${shown} held-out rows (of ${errors.scored}) with the largest absolute residual (actual − predicted), largest first.`;
  if (shown === 0) return section('errors', title, el('p', { class: 'mlwb-muted' }, summary));
  const withProbability = classification && errors.rows.some((row) => row.probability !== undefined);
  const headers = ['row', 'actual', 'predicted', ...(classification ? (withProbability ? ['probability'] : []) : ['residual']), ...errors.columns];
  const body = errors.rows.map((row) => {
    const cells = [
      row.row === null ? 'feedback' : String(row.row),
      cellText(row.actual),
      cellText(row.predicted),
      ...(classification ? (withProbability ? [formatNumber(row.probability)] : []) : [formatNumber(row.residual)]),
      ...row.values.map(cellText),
    ];
    const tr = el('tr', {}, ...cells.map((cell) => el('td', {}, cell)));
    if (row.row !== null) {
      const dataRow = row.row;
      const open = (): void => post({ type: 'openDataRow', runId: s.run.id, row: dataRow });
      tr.tabIndex = 0;
      tr.className = 'mlwb-clickable';
      tr.dataset.row = String(dataRow);
      tr.title = `Open the data file at row ${dataRow}`;
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          open();
        }
      });
    }
    return tr;
  });
  const table = el(
    'table',
    { class: 'mlwb-table', 'data-testid': 'errors-table' },
    el('caption', { class: 'mlwb-sr-only' }, `${title}: press Enter on a row to open the data file there`),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...body),
  );
  return section(
    'errors',
    title,
    el('p', { class: 'mlwb-muted' }, `${summary} Click a row, or press Enter on it, to open the data file at that row.`),
    errors.columnsLeftOut > 0 ? el('p', { class: 'mlwb-muted' }, `${errors.columnsLeftOut} more feature columns are not kept.`) : null,
    el('div', { class: 'mlwb-scroll-x' }, table),
  );
}
