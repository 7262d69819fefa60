/** The compare panel in the browser: overlaid loss curves and a table of parameters and metrics, best marked. */
import type { CompareState } from '../../src/extension/dashboard/contract';
import { beginRender, chart, destroyCharts, endRender, lineConfig, lineDatasets } from '../dashboard/charts';
import { seriesColor } from '../shared/charts';
import { checkbox, connect, el, persist, post, root, section, showError } from '../dashboard/common';

let state: CompareState | undefined;
let onlyDifferences = false;

function runHeaderCell(s: CompareState, i: number): HTMLElement {
  const run = s.runs[i];
  if (!run) return el('th');
  const link = el('a', { href: '#', title: `Open the dashboard of ${run.id}` }, run.experiment);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    post({ type: 'openDashboard', runId: run.id });
  });
  const swatch = el('span', { class: 'mlwb-swatch', 'aria-hidden': 'true' }, '■ ');
  swatch.style.color = seriesColor(i);
  return el('th', { scope: 'col' }, swatch, link, el('div', { class: 'mlwb-muted' }, run.id));
}

function comparisonTable(s: CompareState): HTMLTableElement {
  const rows = s.rows.filter((row) => !onlyDifferences || row.differs);
  return el(
    'table',
    { class: 'mlwb-table', 'data-testid': 'compare-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), ...s.runs.map((_, i) => runHeaderCell(s, i)))),
    el(
      'tbody',
      {},
      ...rows.map((row) =>
        el(
          'tr',
          { class: row.differs ? undefined : 'mlwb-same-row', 'data-row': `${row.kind}:${row.name}` },
          el('th', { scope: 'row' }, row.name, ' ', el('span', { class: 'mlwb-kind' }, row.kind === 'info' ? '' : row.kind)),
          ...row.values.map((value, i) => {
            const best = row.best.includes(i);
            return el(
              'td',
              { class: best ? 'mlwb-best' : undefined, title: best ? 'best of these runs' : undefined },
              value ?? '—',
              best ? el('span', { 'aria-label': 'best' }, ' ★') : null,
            );
          }),
        ),
      ),
    ),
  );
}

function render(): void {
  const s = state;
  if (!s) return;
  beginRender();
  const curves =
    s.curves.length > 0
      ? chart(
          'compare-loss',
          'Loss per step of each run',
          lineConfig(
            lineDatasets(s.curves, (series) => seriesColor(series.runIndex)),
            'epoch / iteration',
            'loss (mean over folds)',
          ),
        )
      : el('p', { class: 'mlwb-muted' }, 'None of these runs reports a loss per step.');
  const toggle = checkbox(
    'Only differences',
    onlyDifferences,
    (checked) => {
      onlyDifferences = checked;
      render();
    },
    'only-differences',
  );
  const main = root();
  main.replaceChildren(
    el('header', { class: 'mlwb-header' }, el('h1', {}, `Compare ${s.runs.length} runs`)),
    s.notFound.length > 0 ? el('p', { class: 'mlwb-reason', role: 'alert' }, `Not found in the run store: ${s.notFound.join(', ')}`) : el('span'),
    section('curves', 'Loss curves', curves),
    section('table', 'Parameters and metrics', el('div', { class: 'mlwb-toolbar' }, toggle), comparisonTable(s)),
  );
  main.setAttribute('aria-busy', 'false');
  post({ type: 'rendered', view: 'compare', charts: endRender() });
}

connect((message) => {
  if (message.type === 'compare') {
    state = message.state;
    persist({ runIds: state.runs.map((run) => run.id) });
    render();
  } else if (message.type === 'error') {
    showError(message.message);
  }
});

new MutationObserver(() => {
  destroyCharts();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
