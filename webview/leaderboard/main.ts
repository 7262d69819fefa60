/** The sweep leaderboard in the browser: every trial, sortable, best highlighted, parameters against the score. */
import type { ChartConfiguration, Plugin } from 'chart.js';
import type { LeaderboardState, ParamValue, TrialRow } from '../../src/extension/dashboard/contract';
import { beginRender, chart, destroyCharts, endRender, scatterConfig, withAlpha } from '../dashboard/charts';
import { cssVar } from '../shared/charts';
import { button, connect, el, persist, post, root, runHeader, section, showError } from '../dashboard/common';
import { formatMetric, formatParamValue } from '../../src/core/runs/display';
import { axisPosition, paramAxis, spreadPoints } from '../../src/core/search/paramAxis';

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
      ...s.paramNames.map((name) => el('td', { title: exactParam(t.params[name]) }, formatParam(t.params[name]))),
      el('td', { title: t.score === undefined ? '' : String(t.score) }, t.score === undefined ? '—' : formatMetric(t.score)),
      hasStd ? el('td', {}, t.std === undefined ? '' : `± ${formatMetric(t.std)}`) : null,
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

function formatParam(value: ParamValue | undefined): string {
  return value === undefined ? '' : formatParamValue(value);
}

/** A parameter value in a tooltip: to six significant digits, the rest as written. */
function exactParam(value: ParamValue | undefined): string {
  return typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(6))) : formatParam(value);
}

/**
 * Writes what a chart drew onto its wrapper, for tests and assistive tools: the axis kind, the tick
 * labels, how many points lie inside the plot, where the best one is, and the trial under the pointer.
 */
function probe(kind: string, labels: ReadonlyMap<number, string>, bestPoint: number, trialNumbers: readonly number[]): Plugin<'scatter'> {
  return {
    id: 'mlwbAxisProbe',
    afterDraw(drawn) {
      const wrapper = drawn.canvas.parentElement;
      const scale = drawn.scales.x;
      if (!wrapper || !scale) return;
      const area = drawn.chartArea;
      const elements = drawn.getDatasetMeta(0).data;
      const inside = elements.filter(
        (point) => point.x >= area.left - 0.5 && point.x <= area.right + 0.5 && point.y >= area.top - 0.5 && point.y <= area.bottom + 0.5,
      );
      wrapper.dataset.axis = kind;
      wrapper.dataset.ticks = scale.ticks.map((tick) => labels.get(tick.value) ?? '').join('|');
      wrapper.dataset.points = String(inside.length);
      const best = elements[bestPoint];
      if (best) wrapper.dataset.bestPoint = `${Math.round(best.x)},${Math.round(best.y)}`;
    },
    afterEvent(drawn) {
      const wrapper = drawn.canvas.parentElement;
      const active = drawn.tooltip?.getActiveElements() ?? [];
      if (wrapper) wrapper.dataset.hovered = active.map((element) => String(trialNumbers[element.index] ?? '')).join(',');
    },
  };
}

/**
 * One chart per parameter: its value against the score, every scored trial a point (points that
 * would hide each other fanned out), the best marked, a hover naming the trial. The x axis comes
 * from the search space: log for loguniform, one slot per choice, linear for other ranges.
 */
function parameterCharts(s: LeaderboardState): HTMLElement[] {
  const scored = s.trials.filter((t) => t.score !== undefined);
  if (scored.length === 0) return [];
  const best = cssVar('--vscode-charts-orange', '#d18616');
  return s.paramNames.flatMap((name) => {
    const space = s.space?.[name];
    const shown = scored.filter((t) => t.params[name] !== undefined);
    if (shown.length === 0) return [];
    // The axis as the space says; its ticks are chosen again at the width the chart draws it.
    const axis = paramAxis(
      shown.map((t) => t.params[name]),
      space,
    );
    const exact = shown.map((t) => ({ x: axisPosition(axis, t.params[name]) ?? 0, y: t.score as number }));
    const drawnX = spreadPoints(axis, exact);
    const points = exact.map((point, i) => ({ x: drawnX[i] ?? point.x, y: point.y }));
    const config = scatterConfig(points, name, `${s.metric} (CV mean)`) as ChartConfiguration<'scatter'>;
    const dataset = config.data.datasets[0];
    if (dataset) {
      const base = String(dataset.backgroundColor);
      dataset.pointBackgroundColor = shown.map((t) => (t.index === s.bestIndex ? best : base));
      dataset.pointRadius = shown.map((t) => (t.index === s.bestIndex ? 6 : 4));
      dataset.pointHoverRadius = shown.map((t) => (t.index === s.bestIndex ? 8 : 6));
      dataset.pointBorderColor = shown.map((t) => (t.index === s.bestIndex ? best : withAlpha(base, 1)));
    }
    const labels = new Map(axis.ticks.map((tick) => [tick.value, tick.label]));
    const x = {
      type: axis.kind === 'log' ? 'logarithmic' : 'linear',
      min: axis.min,
      max: axis.max,
      title: { display: true, text: `${name} · ${axis.reason}` },
      grid: { display: axis.kind !== 'category' },
      afterBuildTicks: (scale: { width: number; ticks: { value: number }[] }) => {
        const fitted = paramAxis(
          shown.map((t) => t.params[name]),
          space,
          scale.width > 0 ? scale.width : 320,
        );
        for (const tick of fitted.ticks) labels.set(tick.value, tick.label);
        scale.ticks = fitted.ticks.map((tick) => ({ value: tick.value }));
      },
      ticks: { autoSkip: false, maxRotation: 0, callback: (value: number | string) => labels.get(Number(value)) ?? '' },
    };
    if (config.options?.scales) config.options.scales.x = x as NonNullable<typeof config.options.scales>['x'];
    const tooltip = config.options?.plugins?.tooltip;
    if (tooltip) {
      tooltip.callbacks = {
        title: (items) => {
          const trial = shown[items[0]?.dataIndex ?? -1];
          return trial ? `trial ${trial.index + 1}${trial.index === s.bestIndex ? ' (best)' : ''}` : '';
        },
        label: (item) => {
          const trial = shown[item.dataIndex];
          if (!trial || trial.score === undefined) return '';
          return [
            `${s.metric} ${formatMetric(trial.score)}${trial.std !== undefined ? ` ± ${formatMetric(trial.std)}` : ''} (${s.scoreDefinition})`,
            ...s.paramNames.map((param) => `${param} = ${exactParam(trial.params[param])}`),
          ];
        },
      };
    }
    config.plugins = [
      probe(
        axis.kind,
        labels,
        shown.findIndex((t) => t.index === s.bestIndex),
        shown.map((t) => t.index + 1),
      ),
    ];
    return [chart(`param-${name}`, `${name} against ${s.metric}`, config, 'normal', `${axis.kind}:${axis.min}:${axis.max}:${shown.length}`)];
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
    bestTrial?.score !== undefined ? `best ${s.metric} ${formatMetric(bestTrial.score)} (trial ${bestTrial.index + 1}), the ${s.scoreDefinition}` : '',
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
    charts.length > 0
      ? section(
          'parameters',
          `Parameters against ${s.metric}`,
          el(
            'p',
            { class: 'mlwb-muted', 'data-testid': 'parameters-note' },
            [
              `Each point is a trial: its ${s.scoreDefinition} against one parameter. Hover a point for the trial.`,
              failed > 0 ? `${failed} failed trial${failed === 1 ? ' has' : 's have'} no score and ${failed === 1 ? 'is' : 'are'} not drawn.` : '',
            ]
              .filter(Boolean)
              .join(' '),
          ),
          el('div', { class: 'mlwb-grid' }, ...charts),
        )
      : el('span'),
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
