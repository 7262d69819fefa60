/** The sweep leaderboard in the browser: every trial, sortable, best highlighted, parameters against the score. */
import type { ChartConfiguration } from 'chart.js';
import type { LeaderboardState, ParamValue, TrialRow } from '../../src/extension/dashboard/contract';
import { beginRender, chart, cssVar, destroyCharts, endRender, scatterConfig, withAlpha } from '../dashboard/charts';
import { button, connect, el, formatNumber, persist, post, root, runHeader, section, showError } from '../dashboard/common';

let state: LeaderboardState | undefined;
/** Column the table is sorted by: 'score', '#' or a parameter name. */
let sortKey = 'score';
let ascending = false;

function compareValues(a: ParamValue | number | undefined, b: ParamValue | number | undefined): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function sorted(s: LeaderboardState): TrialRow[] {
  const value = (t: TrialRow): ParamValue | number | undefined => (sortKey === 'score' ? t.score : sortKey === '#' ? t.index : t.params[sortKey]);
  return [...s.trials].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Missing values (failed trials) stay at the bottom whichever way the column is sorted.
    if (va === undefined || va === null || vb === undefined || vb === null) return compareValues(va, vb);
    const order = compareValues(va, vb);
    return ascending ? order : -order;
  });
}

function setSort(key: string): void {
  if (sortKey === key) ascending = !ascending;
  else {
    sortKey = key;
    // The score column starts best-first; others start ascending.
    ascending = key === 'score' ? !(state?.greaterIsBetter ?? true) : true;
  }
  render();
}

function header(label: string, key: string): HTMLElement {
  const arrow = sortKey === key ? (ascending ? ' ▲' : ' ▼') : '';
  const th = el(
    'th',
    { scope: 'col', class: 'mlwb-sortable', tabindex: '0', 'aria-sort': sortKey === key ? (ascending ? 'ascending' : 'descending') : 'none' },
    label + arrow,
  );
  th.addEventListener('click', () => setSort(key));
  th.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setSort(key);
    }
  });
  return th;
}

function trialsTable(s: LeaderboardState): HTMLTableElement {
  const hasStd = s.trials.some((t) => t.std !== undefined);
  const rows = sorted(s).map((t) => {
    const classes = [t.index === s.bestIndex ? 'mlwb-best-row' : '', t.error ? 'mlwb-failed-row' : '', t.index === s.focusIndex ? 'mlwb-focus-row' : '']
      .filter(Boolean)
      .join(' ');
    return el(
      'tr',
      { class: classes || undefined, 'data-trial': String(t.index) },
      el('td', {}, String(t.index + 1)),
      ...s.paramNames.map((name) => el('td', {}, formatParam(t.params[name]))),
      el('td', {}, t.score === undefined ? '—' : formatNumber(t.score)),
      hasStd ? el('td', {}, t.std === undefined ? '' : `± ${formatNumber(t.std)}`) : null,
      el('td', {}, t.error ? `failed: ${t.error}` : t.index === s.bestIndex ? 'best' : 'ok'),
    );
  });
  return el(
    'table',
    { class: 'mlwb-table', 'data-testid': 'trials-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        header('#', '#'),
        ...s.paramNames.map((name) => header(name, name)),
        header(s.metric, 'score'),
        hasStd ? el('th', { scope: 'col' }, 'std') : null,
        el('th', { scope: 'col' }, 'status'),
      ),
    ),
    el('tbody', {}, ...rows),
  );
}

/** Axis ticks as the values were written (0.01, not 0.0). */
function formatTick(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return formatTick(value);
  return String(value);
}

/** One chart per numeric parameter: its value against the score, the best trial marked. */
function parameterCharts(s: LeaderboardState): HTMLElement[] {
  const scored = s.trials.filter((t) => t.score !== undefined);
  const numeric = s.paramNames.filter((name) => scored.length > 0 && scored.every((t) => typeof t.params[name] === 'number'));
  const best = cssVar('--vscode-charts-orange', '#d18616');
  return numeric.map((name) => {
    const values = scored.map((t) => t.params[name] as number);
    const points = scored.map((t) => ({ x: t.params[name] as number, y: t.score as number }));
    const config = scatterConfig(points, name, s.metric) as ChartConfiguration<'scatter'>;
    const dataset = config.data.datasets[0];
    if (dataset) {
      const base = String(dataset.backgroundColor);
      dataset.pointBackgroundColor = scored.map((t) => (t.index === s.bestIndex ? best : base));
      dataset.pointRadius = scored.map((t) => (t.index === s.bestIndex ? 6 : 4));
      dataset.pointBorderColor = scored.map((t) => (t.index === s.bestIndex ? best : withAlpha(base, 1)));
    }
    const positive = values.every((v) => v > 0);
    const spread = positive ? Math.max(...values) / Math.min(...values) : 0;
    const x = config.options?.scales?.x;
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    if (x) {
      if (spread >= 100) Object.assign(x, { type: 'logarithmic' });
      // A grid tries a few values: ticks at exactly those read better than a generated scale.
      if (distinct.length <= 12)
        Object.assign(x, { afterBuildTicks: (axis: { ticks: { value: number }[] }) => (axis.ticks = distinct.map((value) => ({ value }))) });
      Object.assign(x, { ticks: { callback: (value: number | string) => formatTick(Number(value)) } });
    }
    return chart(`param-${name}`, `${name} against ${s.metric}`, config);
  });
}

function render(): void {
  const s = state;
  if (!s) return;
  beginRender();
  const active = s.run.status === 'running' || s.run.status === 'queued';
  const actions = [
    ...(active ? [button('Cancel', () => post({ type: 'cancelRun', runId: s.run.id }), { testId: 'cancel' })] : []),
    button('Open Dashboard', () => post({ type: 'openDashboard', runId: s.run.id }), { secondary: true }),
  ];
  const bestTrial = s.trials.find((t) => t.index === s.bestIndex);
  const failed = s.trials.filter((t) => t.error).length;
  const summary = [
    `${s.trials.length}${s.planned !== undefined && s.planned > s.trials.length ? ` of ${s.planned}` : ''} trials`,
    failed > 0 ? `${failed} failed` : '',
    bestTrial?.score !== undefined ? `best ${s.metric} ${formatNumber(bestTrial.score)} (trial ${bestTrial.index + 1})` : '',
    s.greaterIsBetter ? 'higher is better' : 'lower is better',
  ]
    .filter(Boolean)
    .join(' · ');
  const charts = parameterCharts(s);
  const main = root();
  main.replaceChildren(
    runHeader(s.run, actions),
    section(
      'trials',
      'Trials',
      el('p', { 'data-testid': 'summary' }, summary),
      s.trials.length > 0 ? trialsTable(s) : el('p', { class: 'mlwb-muted' }, active ? 'Waiting for the first trial to finish…' : 'This run has no trials.'),
    ),
    charts.length > 0 ? section('parameters', `Parameters against ${s.metric}`, el('div', { class: 'mlwb-grid' }, ...charts)) : el('span'),
  );
  main.setAttribute('aria-busy', 'false');
  post({ type: 'rendered', view: 'leaderboard', charts: endRender() });
}

connect((message) => {
  if (message.type === 'leaderboard') {
    const first = state === undefined;
    state = message.state;
    if (first) ascending = !state.greaterIsBetter;
    persist({ runId: state.run.id });
    render();
  } else if (message.type === 'error') {
    showError(message.message);
  }
});

new MutationObserver(() => {
  destroyCharts();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
