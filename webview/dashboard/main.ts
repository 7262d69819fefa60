/** The run dashboard in the browser: draws the whole state the host pushes, live while training. */
import type { DashboardState } from '../../src/extension/dashboard/contract';
import { barConfig, beginRender, chart, confusionConfig, destroyCharts, endRender, errorBarConfig, lineConfig, lineDatasets, scatterConfig } from './charts';
import { errorsSection } from './errors';
import { button, checkbox, connect, el, formatBytes, formatNumber, persist, post, root, runHeader, section, showError, table } from './common';

let state: DashboardState | undefined;
let normalised = false;

function curvesSection(s: DashboardState): HTMLElement {
  const { loss, metrics, hidden } = s.curves;
  const charts: HTMLElement[] = [];
  if (loss.length > 0) charts.push(chart('loss', 'Loss per step', lineConfig(lineDatasets(loss), 'epoch / iteration', 'loss')));
  if (metrics.length > 0) charts.push(chart('progress-metrics', 'Metrics per step', lineConfig(lineDatasets(metrics), 'epoch / iteration / trial', 'value')));
  return section(
    'curves',
    'Training curves',
    charts.length > 0 ? el('div', { class: 'mlwb-grid' }, ...charts) : el('p', { class: 'mlwb-muted', 'data-testid': 'curves-note' }, s.curvesNote),
    hidden > 0 ? el('p', { class: 'mlwb-muted' }, `${hidden} more series are not drawn, to keep the charts readable.`) : null,
  );
}

function metricsSection(s: DashboardState): HTMLElement | null {
  if (s.metrics.length === 0) return null;
  const withCv = s.metrics.some((m) => m.mean !== undefined);
  const headers = withCv ? ['metric', 'value (held-out rows)', 'CV mean ± std'] : ['metric', 'value (held-out rows)'];
  const rows = s.metrics.map((m) => {
    const cells = [m.name, formatNumber(m.value)];
    if (withCv) cells.push(m.mean === undefined ? '—' : `${formatNumber(m.mean)} ± ${formatNumber(m.std)}`);
    return cells;
  });
  const foldNames = s.folds
    ? s.metrics
        .map((m) => m.name)
        .filter((name) => s.folds?.some((fold) => name in fold))
        .slice(0, 8)
    : [];
  const folds =
    s.folds && foldNames.length > 0
      ? el(
          'details',
          {},
          el('summary', {}, `Per fold (${s.folds.length} folds)`),
          table(
            ['fold', ...foldNames],
            s.folds.map((fold, i) => [String(i + 1), ...foldNames.map((name) => formatNumber(fold[name]))]),
            { testId: 'folds-table' },
          ),
        )
      : null;
  return section('metrics', 'Metrics', table(headers, rows, { testId: 'metrics-table' }), folds);
}

function confusionSection(s: DashboardState): HTMLElement | null {
  if (!s.confusion) return null;
  const { labels, matrix } = s.confusion;
  const toggle = checkbox(
    'Row-normalised',
    normalised,
    (checked) => {
      normalised = checked;
      render();
    },
    'normalise',
  );
  // The same numbers as a table, for screen readers (the heatmap is a canvas).
  const cells = el(
    'table',
    { class: 'mlwb-sr-only', 'data-testid': 'confusion-table' },
    el('caption', {}, 'Confusion matrix: rows are the actual class, columns the predicted class'),
    el('thead', {}, el('tr', {}, el('th', {}, 'actual \\ predicted'), ...labels.map((label) => el('th', { scope: 'col' }, label)))),
    el('tbody', {}, ...matrix.map((row, i) => el('tr', {}, el('th', { scope: 'row' }, labels[i] ?? ''), ...row.map((count) => el('td', {}, String(count)))))),
  );
  const size = labels.length > 8 ? 'tall' : 'square';
  return section(
    'confusion',
    'Confusion matrix',
    el('div', { class: 'mlwb-toolbar' }, toggle),
    chart('confusion', 'Confusion matrix heatmap', confusionConfig(labels, matrix, normalised), size, JSON.stringify([normalised, labels, matrix])),
    cells,
  );
}

function perClassSection(s: DashboardState): HTMLElement | null {
  if (!s.perClass) return null;
  return section(
    'per-class',
    'Per class',
    table(
      ['class', 'precision', 'recall', 'F1', 'support'],
      s.perClass.map((c) => [c.label, formatNumber(c.precision), formatNumber(c.recall), formatNumber(c.f1), String(c.support)]),
      { testId: 'per-class-table' },
    ),
  );
}

function rocSection(s: DashboardState): HTMLElement | null {
  if (!s.roc) return null;
  const points = s.roc.fpr.map((x, i) => ({ x, y: s.roc?.tpr[i] ?? 0 }));
  const config = scatterConfig(points, 'false positive rate', 'true positive rate', [
    { x: 0, y: 0 },
    { x: 1, y: 1 },
  ]);
  const first = config.data.datasets[0];
  if (first) Object.assign(first, { showLine: true, pointRadius: 0, borderWidth: 2 });
  const title = `ROC curve${s.roc.positive ? ` (positive class: ${s.roc.positive})` : ''}${s.roc.auc !== undefined ? ` · AUC ${formatNumber(s.roc.auc)}` : ''}`;
  return section('roc', title, chart('roc', 'ROC curve', config, 'square'));
}

function regressionSection(s: DashboardState): HTMLElement | null {
  if (!s.predictions) return null;
  const { actual, predicted } = s.predictions;
  const pairs = actual.map((a, i) => ({ x: a, y: predicted[i] ?? 0 }));
  const lo = Math.min(...actual, ...predicted);
  const hi = Math.max(...actual, ...predicted);
  const residuals = pairs.map((p) => ({ x: p.y, y: p.x - p.y }));
  return section(
    'regression',
    'Predictions',
    el(
      'div',
      { class: 'mlwb-grid' },
      chart(
        'predicted-actual',
        'Predicted against actual',
        scatterConfig(pairs, 'actual', 'predicted', [
          { x: lo, y: lo },
          { x: hi, y: hi },
        ]),
      ),
      chart(
        'residuals',
        'Residuals against predicted',
        scatterConfig(residuals, 'predicted', 'residual (actual − predicted)', [
          { x: Math.min(...predicted), y: 0 },
          { x: Math.max(...predicted), y: 0 },
        ]),
      ),
    ),
  );
}

function importancesSection(s: DashboardState): HTMLElement | null {
  if (!s.importances || s.importances.length === 0) return null;
  const top = s.importances.slice(0, 20);
  return section(
    'importances',
    s.importances.length > top.length ? `Feature importances (top ${top.length} of ${s.importances.length})` : 'Feature importances',
    chart(
      'importances',
      'Feature importances',
      barConfig(
        top.map((f) => f.name),
        top.map((f) => f.value),
        'importance',
      ),
      top.length > 10 ? 'tall' : 'normal',
    ),
  );
}

function permutationSection(s: DashboardState): HTMLElement | null {
  const p = s.permutation;
  if (!p || p.features.length === 0) return null;
  const top = p.features.slice(0, 20);
  const where = p.scope === 'out-of-fold' ? `out-of-fold rows (${p.rows})` : `held-out rows (${p.rows})`;
  const title = `Permutation importance: drop of ${p.metric} when a column is shuffled, mean ± std over ${p.repeats} repeats on ${where}`;
  return section(
    'permutation',
    p.features.length > top.length ? `Permutation importance (top ${top.length} of ${p.features.length})` : 'Permutation importance',
    el('p', { class: 'mlwb-muted' }, title),
    chart(
      'permutation',
      'Permutation importance',
      errorBarConfig(
        top.map((f) => f.name),
        top.map((f) => f.mean),
        top.map((f) => f.std),
        `drop of ${p.metric}`,
      ),
      top.length > 10 ? 'tall' : 'normal',
    ),
    table(
      ['column', `mean drop of ${p.metric}`, 'std'],
      p.features.map((f) => [f.name, formatNumber(f.mean), formatNumber(f.std)]),
      { testId: 'permutation-table' },
    ),
  );
}

function detailsSection(s: DashboardState): HTMLElement {
  const parts: HTMLElement[] = [];
  if (s.params.length > 0)
    parts.push(
      el('h3', {}, 'Parameters'),
      table(
        ['parameter', 'value'],
        s.params.map(([k, v]) => [k, v]),
        { testId: 'params-table' },
      ),
    );
  if (s.data) {
    const d = s.data;
    parts.push(
      el('h3', {}, 'Data'),
      table(
        ['', ''],
        [
          ['file', d.path],
          ['rows × columns', `${d.rows} × ${d.columns}`],
          ['size', formatBytes(d.bytes)],
          ['sha256', d.sha256],
        ],
        { testId: 'data-table' },
      ),
    );
  }
  if (s.embeddings) {
    const { steps, cache } = s.embeddings;
    parts.push(
      el('h3', {}, 'Text embeddings'),
      table(
        ['column', 'encoder', 'embedding width', 'texts cut to max_length'],
        steps.map((step) => [step.column, step.model, String(step.width), `${step.truncated} (max_length ${step.maxLength})`]),
        { testId: 'embeddings-table' },
      ),
      el(
        'p',
        { class: 'mlwb-muted', 'data-testid': 'embeddings-cache' },
        `Embedding cache: ${cache.hits} hit(s), ${cache.misses} text(s) embedded (every fold, trial and the refit of this run).`,
      ),
    );
  }
  if (s.environment.length > 0)
    parts.push(
      el('h3', {}, 'Environment'),
      table(
        ['', ''],
        s.environment.map(([k, v]) => [k, v]),
      ),
    );
  return section('details', 'Parameters and data', ...parts);
}

function render(): void {
  const s = state;
  if (!s) return;
  beginRender();
  const actions: HTMLElement[] = [];
  if (s.run.status === 'running' || s.run.status === 'queued')
    actions.push(button('Cancel', () => post({ type: 'cancelRun', runId: s.run.id }), { secondary: true, testId: 'cancel' }));
  if (s.run.status !== 'running' && s.run.status !== 'queued' && s.run.status !== 'completed')
    actions.push(button('Show Log', () => post({ type: 'showRunLog', runId: s.run.id }), { secondary: true, testId: 'show-log' }));
  if (s.trialCount !== undefined)
    actions.push(button(`Open Sweep Leaderboard (${s.trialCount} trials)`, () => post({ type: 'openLeaderboard', runId: s.run.id }), { secondary: true }));
  const sections = [
    runHeader(s.run, actions),
    curvesSection(s),
    metricsSection(s),
    confusionSection(s),
    perClassSection(s),
    rocSection(s),
    regressionSection(s),
    errorsSection(s),
    s.missing.length > 0 ? section('missing', 'Not shown', el('ul', {}, ...s.missing.map((m) => el('li', { class: 'mlwb-muted' }, m)))) : null,
    importancesSection(s),
    permutationSection(s),
    detailsSection(s),
  ].filter((part): part is HTMLElement => part !== null);
  const main = root();
  main.replaceChildren(...sections);
  main.setAttribute('aria-busy', 'false');
  const charts = endRender();
  const embeddings = [...main.querySelectorAll('[data-testid="embeddings-table"] tbody tr, [data-testid="embeddings-cache"]')].map((node) =>
    node.tagName === 'TR' ? [...node.children].map((cell) => cell.textContent ?? '').join(' | ') : (node.textContent ?? ''),
  );
  post({
    type: 'rendered',
    view: 'dashboard',
    charts,
    ...(s.confusion ? { confusion: s.confusion.matrix } : {}),
    ...(embeddings.length > 0 ? { embeddings } : {}),
  });
}

connect((message) => {
  if (message.type === 'dashboard') {
    state = message.state;
    persist({ runId: state.run.id });
    document.title = `Run: ${state.run.experiment}`;
    render();
  } else if (message.type === 'error') {
    showError(message.message);
  }
});

// A theme switch changes the --vscode-* colors: redraw the charts with the new ones.
new MutationObserver(() => {
  destroyCharts();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
