/**
 * The deployment monitor in the browser. The page is built once per kind of model, then every push
 * of the host updates texts, tables and charts in place; the time series come from a rolling
 * history of the pushes, kept with setState so a hidden or restored panel keeps its last minutes.
 */
import { requestsNote } from './requestsNote';
import type { DriftRow, HistoryPoint, MonitorState, ServiceSnapshot } from '../../src/extension/monitor/contract';
import { persistedState } from '../../src/extension/monitor/contract';
import { applyTheme } from '../shared/charts';
import { barChart, chartHost, destroyCharts, drawnCharts, timeChart, type Series } from './charts';
import { byId, connect, el, formatBytes, formatDuration, formatMs, formatNumber, formatPercent, persist, post, restored, setText } from './dom';
import { appendHistory, historyPoint, HISTORY_MS } from './history';
import { feedbackRows, methodName, onlineNote, thresholdText, versionCells, versionHeaders } from './tables';

let state: MonitorState | undefined;
let history: HistoryPoint[] = [...(persistedState(restored()).history ?? [])];
let layout = '';

const MIN_SPAN_MS = 60_000;

function root(): HTMLElement {
  return byId('root');
}

function tile(id: string, label: string): HTMLElement {
  return el('div', { class: 'mon-tile' }, el('div', { class: 'mon-tile-label' }, label), el('div', { class: 'mon-tile-value', id, 'data-testid': id }, '—'));
}

function actionButton(label: string, command: 'stop' | 'restart' | 'showLog' | 'copyUrl' | 'retrain', secondary = true): HTMLButtonElement {
  const button = el('button', { type: 'button', class: secondary ? 'mon-button mon-button-secondary' : 'mon-button', id: `action-${command}` }, label);
  button.addEventListener('click', () => post({ type: 'command', command }));
  return button;
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { id: `section-${id}`, class: 'mon-section' }, el('h2', {}, title), ...children);
}

/** The page for a classifier or a regressor: the parts that do not change between pushes. */
function skeleton(classification: boolean): HTMLElement[] {
  const driftHeaders = ['Feature', 'Type', 'Method', 'Statistic', 'p-value / distance', 'Threshold', 'PSI', 'Drifted'];
  return [
    el(
      'header',
      { class: 'mon-header' },
      el(
        'div',
        { class: 'mon-title' },
        el('h1', { id: 'title' }),
        el('span', { id: 'service-state', class: 'mon-state', 'data-testid': 'service-state', role: 'status' }),
      ),
      el('p', { class: 'mon-muted', id: 'meta' }),
      el('p', { class: 'mon-banner', id: 'banner', role: 'alert', hidden: '' }),
      el(
        'div',
        { class: 'mon-actions' },
        actionButton('Stop', 'stop'),
        actionButton('Restart', 'restart'),
        actionButton('Show Log', 'showLog'),
        actionButton('Copy URL', 'copyUrl'),
        actionButton('Retrain with Feedback', 'retrain'),
      ),
    ),
    el(
      'section',
      { class: 'mon-section mon-tiles', 'aria-label': 'Current figures' },
      el(
        'div',
        { class: 'mon-tile' },
        el('div', { class: 'mon-tile-label' }, 'Requests'),
        el('div', { class: 'mon-tile-value', id: 'tile-requests', 'data-testid': 'tile-requests' }, '—'),
        el('div', { class: 'mon-muted', id: 'tile-requests-note', 'data-testid': 'tile-requests-note' }),
      ),
      tile('tile-rps', 'Requests/s'),
      tile('tile-p95', 'Latency p95'),
      tile('tile-errors', 'Error rate'),
      tile('tile-cpu', 'CPU'),
      tile('tile-rss', 'Memory (RSS)'),
    ),
    section(
      'traffic',
      'Traffic and resources',
      el('p', { class: 'mon-muted', id: 'traffic-note' }),
      el(
        'div',
        { class: 'mon-grid' },
        chartHost('throughput', 'Requests per second over time'),
        chartHost('latency', 'Latency percentiles over time'),
        chartHost('errors', 'Error rate over time'),
        chartHost('resources', 'CPU and memory of the service process over time'),
      ),
    ),
    section(
      'predictions',
      'Predictions',
      el('p', { class: 'mon-muted', id: 'predictions-note' }),
      classification ? chartHost('predictions', 'Predictions by class', 'short') : null,
    ),
    section(
      'feedback',
      'Quality from feedback',
      el('p', { class: 'mon-muted', id: 'feedback-note' }),
      el(
        'div',
        { class: 'mon-grid' },
        el('table', { class: 'mon-table', 'data-testid': 'feedback-table' }, el('tbody', { id: 'feedback-rows' })),
        chartHost('feedback', classification ? 'Accuracy from feedback over time' : 'RMSE from feedback over time', 'short'),
      ),
    ),
    section(
      'versions',
      'Model versions',
      el('p', { class: 'mon-muted', id: 'versions-note', 'data-testid': 'versions-note' }),
      el(
        'table',
        { class: 'mon-table', 'data-testid': 'versions-table' },
        el('thead', {}, el('tr', {}, ...versionHeaders(classification).map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', { id: 'versions-rows' }),
      ),
    ),
    section(
      'drift',
      'Data drift',
      el('p', { id: 'drift-verdict', class: 'mon-verdict', 'data-testid': 'dataset-drift' }),
      el('p', { class: 'mon-muted', id: 'drift-note' }),
      el(
        'table',
        { class: 'mon-table', 'data-testid': 'drift-table' },
        el('thead', {}, el('tr', {}, ...driftHeaders.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', { id: 'drift-rows' }),
      ),
      el('p', { class: 'mon-muted', id: 'drift-skipped', hidden: '' }),
    ),
  ];
}

function toggle(id: string, visible: boolean): void {
  const element = byId(id);
  if (visible) element.removeAttribute('hidden');
  else element.setAttribute('hidden', '');
}

function renderHeader(s: MonitorState): void {
  const { deployment, snapshot } = s;
  setText('title', deployment.experiment);
  const badge = byId('service-state');
  badge.textContent = deployment.state;
  badge.className = `mon-state mon-state-${deployment.state}`;
  const parts = [deployment.runId, snapshot?.model, snapshot?.task, deployment.url];
  if (s.live && snapshot) parts.push(`up ${formatDuration(snapshot.uptimeSeconds)}`, `pid ${snapshot.process.pid}`);
  if (deployment.restarts > 0) parts.push(`${deployment.restarts} restart${deployment.restarts === 1 ? '' : 's'}`);
  setText('meta', parts.filter((p): p is string => Boolean(p)).join(' · '));
  const banner =
    deployment.state === 'serving'
      ? s.live
        ? ''
        : 'Waiting for the first poll of the service…'
      : deployment.state === 'starting'
        ? 'The service is starting…'
        : `The service is ${deployment.state}${deployment.reason ? `: ${deployment.reason}` : ''}.${snapshot ? ' The figures below are the last ones it reported.' : ''}`;
  setText('banner', banner);
  toggle('banner', banner !== '');
  byId('banner').className = `mon-banner${deployment.state === 'crashed' ? ' mon-banner-error' : ''}`;
  toggle('action-stop', deployment.state === 'serving' || deployment.state === 'starting');
}

function renderTiles(snapshot: ServiceSnapshot | undefined): void {
  setText('tile-requests', snapshot ? String(snapshot.requests) : '—');
  setText('tile-requests-note', snapshot ? requestsNote(snapshot.requests, snapshot.predictions.total) : '');
  setText('tile-rps', snapshot ? formatNumber(snapshot.requestsPerSecond, 2) : '—');
  setText('tile-p95', snapshot ? formatMs(snapshot.latency.p95) : '—');
  setText('tile-errors', snapshot ? formatPercent(snapshot.errorRate) : '—');
  setText('tile-cpu', snapshot ? `${snapshot.process.cpuPercent.toFixed(1)} %` : '—');
  setText('tile-rss', snapshot ? formatBytes(snapshot.process.rssBytes) : '—');
}

function series(label: string, color: Series['color'], pick: (p: HistoryPoint) => number | undefined, options: Partial<Series> = {}): Series {
  const points = history.flatMap((p) => {
    const y = pick(p);
    return y === undefined || !Number.isFinite(y) ? [] : [{ x: p.t, y }];
  });
  return { label, color, points, ...options };
}

function renderTimeSeries(s: MonitorState, classification: boolean): void {
  const to = history.length > 0 ? (history[history.length - 1] as HistoryPoint).t : Date.now();
  // The axis grows with the history, from one minute up to the five minutes kept.
  const first = history[0]?.t ?? to;
  const from = Math.max(to - HISTORY_MS, Math.min(first, to - MIN_SPAN_MS));
  const window = s.snapshot
    ? `Rates, percentiles and error rate over the service's last ${formatNumber(s.snapshot.windowSeconds, 0)} s, polled every 2 s.`
    : '';
  setText('traffic-note', window);
  timeChart('throughput', [series('requests/s', 'blue', (p) => p.rps)], { from, to, yTitle: 'requests/s' });
  timeChart('latency', [series('p50', 'green', (p) => p.p50), series('p95', 'orange', (p) => p.p95), series('p99', 'red', (p) => p.p99)], {
    from,
    to,
    yTitle: 'ms',
  });
  timeChart('errors', [series('error rate', 'red', (p) => p.errorRate * 100)], { from, to, yTitle: '% 5xx', yFormat: (v) => `${v} %` });
  timeChart('resources', [series('CPU %', 'purple', (p) => p.cpu), series('RSS MB', 'yellow', (p) => p.rss / 2 ** 20, { right: true })], {
    from,
    to,
    yTitle: 'CPU % of one core',
    y1Title: 'RSS (MB)',
  });
  const threshold = s.alerts.accuracyThreshold;
  const quality = classification
    ? [
        series('accuracy', 'green', (p) => p.accuracy),
        ...(threshold > 0
          ? [
              {
                label: 'alert threshold',
                color: 'red' as const,
                dashed: true,
                points: [
                  { x: from, y: threshold },
                  { x: to, y: threshold },
                ],
              },
            ]
          : []),
      ]
    : [series('RMSE', 'orange', (p) => p.rmse)];
  timeChart('feedback', quality, { from, to, yTitle: classification ? 'accuracy' : 'RMSE', ...(classification ? { yMax: 1 } : {}) });
}

function renderPredictions(snapshot: ServiceSnapshot | undefined, classification: boolean): void {
  const predictions = snapshot?.predictions;
  if (!predictions || predictions.total === 0) {
    setText('predictions-note', 'No predictions yet: send rows to POST /invocations.');
  } else if (classification) {
    setText('predictions-note', `${predictions.total} predictions since the service started.`);
  } else {
    setText('predictions-note', `${predictions.total} predictions since the service started; mean prediction ${formatNumber(predictions.mean)}.`);
  }
  if (classification) {
    const byClass = predictions?.byClass ?? [];
    barChart(
      'predictions',
      byClass.map(([label]) => label),
      byClass.map(([, count]) => count),
      'predictions',
    );
  }
}

function renderFeedback(s: MonitorState, classification: boolean): void {
  const feedback = s.snapshot?.feedback;
  const count = feedback?.count ?? 0;
  const threshold = s.alerts.accuracyThreshold;
  const alertNote = classification && threshold > 0 ? ` An alert is raised when accuracy falls below ${threshold}.` : '';
  setText(
    'feedback-note',
    count === 0
      ? `No feedback yet: POST /feedback with the prediction_ids of answered requests and their true ${classification ? 'labels' : 'values'}.${alertNote}`
      : `Measured on ${count} labelled requests.${alertNote}`,
  );
  byId('feedback-rows').replaceChildren(
    ...feedbackRows(feedback, classification).map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, value))),
  );
}

function renderVersions(snapshot: ServiceSnapshot | undefined, classification: boolean): void {
  const serving = snapshot?.modelVersion ?? 1;
  setText('versions-note', snapshot ? onlineNote(snapshot.online, serving) : 'Waiting for the service…');
  const rows = [...(snapshot?.versions ?? [])].reverse();
  byId('versions-rows').replaceChildren(
    ...rows.map((row) =>
      el('tr', { class: row.version === serving ? 'mon-serving' : undefined }, ...versionCells(row, classification, serving).map((cell) => el('td', {}, cell))),
    ),
  );
}

function driftCells(row: DriftRow): string[] {
  const distance = row.pValue === undefined;
  return [
    row.name,
    row.kind,
    methodName(row.method),
    formatNumber(row.statistic),
    distance ? formatNumber(row.statistic) : formatNumber(row.pValue),
    thresholdText(row),
    formatNumber(row.psi),
    row.drifted ? 'yes' : 'no',
  ];
}

function renderDrift(s: MonitorState): number {
  const drift = s.snapshot?.drift;
  const verdict = byId('drift-verdict');
  if (!drift) {
    verdict.textContent = 'No requests yet: drift is measured over the window of recent requests against the training data.';
    verdict.className = 'mon-verdict';
    setText('drift-note', '');
    byId('drift-rows').replaceChildren();
    toggle('drift-skipped', false);
    return 0;
  }
  const measured = drift.features.length;
  verdict.textContent = drift.datasetDrift
    ? `Dataset drift: ${drift.driftedFeatures} of ${measured} features drifted (${drift.driftedFeatureNames.join(', ')}).`
    : `No dataset drift: ${drift.driftedFeatures} of ${measured} features drifted${drift.driftedFeatures > 0 ? ` (${drift.driftedFeatureNames.join(', ')})` : ''}.`;
  verdict.className = `mon-verdict ${drift.datasetDrift ? 'mon-verdict-drift' : 'mon-verdict-ok'}`;
  setText(
    'drift-note',
    `The last ${drift.currentRows} request rows against ${drift.referenceRows} reference rows from training. The dataset drifts when at least ${formatPercent(drift.driftShare, 0)} of the features drift.${s.alerts.alertOnDrift ? ' An alert is raised when it does.' : ''}`,
  );
  byId('drift-rows').replaceChildren(
    ...drift.features.map((row) => el('tr', { class: row.drifted ? 'mon-drifted' : undefined }, ...driftCells(row).map((cell) => el('td', {}, cell)))),
  );
  const skipped = drift.skipped.map((f) => `${f.name} (${f.reason})`).join('; ');
  setText('drift-skipped', skipped ? `Not measured: ${skipped}.` : '');
  toggle('drift-skipped', skipped !== '');
  return drift.features.length;
}

function render(): void {
  const s = state;
  if (!s) return;
  const classification = s.snapshot ? s.snapshot.task !== 'regression' : true;
  const key = classification ? 'classification' : 'regression';
  if (key !== layout) {
    destroyCharts(true);
    root().replaceChildren(...skeleton(classification));
    layout = key;
  }
  applyTheme();
  renderHeader(s);
  renderTiles(s.snapshot);
  renderTimeSeries(s, classification);
  renderPredictions(s.snapshot, classification);
  renderFeedback(s, classification);
  renderVersions(s.snapshot, classification);
  const driftRows = renderDrift(s);
  root().setAttribute('aria-busy', 'false');
  post({ type: 'rendered', charts: drawnCharts(), driftRows, historyPoints: history.length });
}

function showError(message: string): void {
  destroyCharts(true);
  layout = '';
  root().replaceChildren(el('p', { class: 'mon-banner mon-banner-error', role: 'alert' }, message));
  root().setAttribute('aria-busy', 'false');
  post({ type: 'rendered', charts: [], driftRows: 0, historyPoints: history.length });
}

connect((message) => {
  if (message.type === 'error') {
    showError(message.message);
    return;
  }
  const previous = state;
  state = message.state;
  // A panel switched to another deployment starts a fresh history.
  if (previous && previous.deployment.id !== state.deployment.id) history = [];
  const point = state.live && state.snapshot ? historyPoint(state.snapshot) : undefined;
  if (point) history = appendHistory(history, point);
  persist({ deploymentId: state.deployment.id, history });
  document.title = `Monitor: ${state.deployment.runId}`;
  render();
});

// A theme switch changes the --vscode-* colors: redraw the charts with the new ones.
new MutationObserver(() => {
  destroyCharts(true);
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
