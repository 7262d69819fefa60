/**
 * The profile's exploration: a correlation heat map of the numeric columns, the most frequent
 * patterns of missing values, and each feature against a chosen target (box per class, class
 * shares per category, or the target's mean per bin). Every value from the file goes in as text.
 */
import { Chart, type ChartConfiguration } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { CategoricalVsTarget, DatasetExploration, NumericVsTarget, TargetExploration } from '../../src/core/datasets/types';
import type { PreviewState, WebviewMessage } from '../../src/extension/preview/contract';
import { cssVar, registerCharts, seriesColor } from '../shared/charts';
import { element } from '../shared/dom';

registerCharts(MatrixController, MatrixElement);

function format(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return value.toExponential(2);
  return Number(value.toPrecision(digits + 1)).toLocaleString('en-US', { maximumFractionDigits: digits });
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], testId: string, caption?: string): HTMLTableElement {
  const t = element('table', 'explore-table');
  t.dataset.testid = testId;
  if (caption) t.append(element('caption', undefined, caption));
  const head = element('tr');
  for (const h of headers) {
    const th = element('th', undefined, h);
    th.scope = 'col';
    head.append(th);
  }
  const thead = element('thead');
  thead.append(head);
  const tbody = element('tbody');
  for (const cells of rows) {
    const tr = element('tr');
    for (const cell of cells) tr.append(element('td', undefined, cell));
    tbody.append(tr);
  }
  t.append(thead, tbody);
  return t;
}

function select(label: string, options: readonly [string, string][], value: string, testId: string, onChange: (value: string) => void): HTMLLabelElement {
  const wrapper = element('label', 'explore-select', `${label} `);
  const input = element('select');
  input.dataset.testid = testId;
  for (const [optionValue, text] of options) {
    const option = element('option', undefined, text);
    option.value = optionValue;
    option.selected = optionValue === value;
    input.append(option);
  }
  input.addEventListener('change', () => onChange(input.value));
  wrapper.append(input);
  return wrapper;
}

const NONE = '\u0000none';

export class ExploreView {
  readonly root = element('section', 'explore');
  private readonly charts: Chart[] = [];
  private renderedKey = '';
  private feature: string | undefined;
  private state: PreviewState | undefined;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    // A theme switch changes the --vscode-* colours the charts copied: draw them again.
    new MutationObserver(() => {
      this.renderedKey = '';
      this.render();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  update(state: PreviewState): void {
    this.state = state;
    const e = state.exploration;
    const key = `${state.filePath}|${state.explorationTarget ?? NONE}|${state.exploring ? 'busy' : ''}|${e ? `${e.rowCount}:${e.elapsedMs}:${e.target?.column ?? ''}` : ''}|${this.feature ?? ''}|${state.schema?.columns.length ?? 0}`;
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    this.render();
  }

  private render(): void {
    const state = this.state;
    if (!state) return;
    for (const chart of this.charts.splice(0)) chart.destroy();
    const columns = state.schema?.columns.map((c) => c.name) ?? [];
    const target = select(
      'Target',
      [[NONE, '(none)'], ...columns.map((c): [string, string] => [c, c])],
      state.explorationTarget ?? NONE,
      'explore-target',
      (value) => {
        this.feature = undefined;
        this.post({ type: 'exploreTarget', ...(value === NONE ? {} : { target: value }) });
      },
    );
    const header = element('div', 'explore-bar');
    header.append(element('h2', undefined, 'Exploration'), target);
    const e = state.exploration;
    const parts: HTMLElement[] = [header];
    if (state.exploring || !e) parts.push(element('p', 'explore-note', state.exploring ? 'Exploring…' : 'No exploration yet.'));
    if (e) parts.push(this.correlations(e), this.missing(e), this.versus(e.target, state.explorationTarget));
    this.root.replaceChildren(...parts);
    document.body.dataset.explored = e && !state.exploring ? (e.target?.column ?? NONE) : '';
  }

  private chart(holderClass: string, label: string, config: ChartConfiguration): HTMLElement {
    const holder = element('div', holderClass);
    const canvas = element('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    holder.append(canvas);
    // Drawn once the holder is in the page (chart.js sizes to it).
    requestAnimationFrame(() => {
      if (canvas.isConnected) this.charts.push(new Chart(canvas, config));
    });
    return holder;
  }

  private correlations(e: DatasetExploration): HTMLElement {
    const section = element('div', 'explore-part');
    section.dataset.part = 'correlations';
    const { columns, matrix, leftOut } = e.correlations;
    section.append(element('h3', undefined, 'Correlations (Pearson, pairwise complete rows)'));
    if (columns.length < 2) {
      section.append(element('p', 'explore-note', 'Fewer than two numeric columns: nothing to correlate.'));
      return section;
    }
    const positive = cssVar('--vscode-charts-blue', '#3794ff');
    const negative = cssVar('--vscode-charts-red', '#f14c4c');
    const text = cssVar('--vscode-foreground', '#cccccc');
    const cells = matrix.flatMap((row, i) => row.map((r, j) => ({ x: columns[j] ?? '', y: columns[i] ?? '', v: r })));
    const n = columns.length;
    const alpha = (r: number | null): string => {
      if (r === null) return 'transparent';
      const a = Math.round(Math.abs(r) * 255)
        .toString(16)
        .padStart(2, '0');
      const base = r >= 0 ? positive : negative;
      return /^#[0-9a-f]{6}$/i.test(base) ? `${base}${a}` : base;
    };
    const config = {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: 'correlation',
            data: cells,
            backgroundColor: (context: { dataIndex: number }) => alpha(cells[context.dataIndex]?.v ?? null),
            borderColor: cssVar('--vscode-panel-border', '#80808059'),
            borderWidth: 1,
            width: ({ chart }: { chart: Chart }) => (chart.chartArea?.width ?? 0) / n - 1,
            height: ({ chart }: { chart: Chart }) => (chart.chartArea?.height ?? 0) / n - 1,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (context: { dataIndex: number }) => {
                const cell = cells[context.dataIndex];
                return cell ? `${cell.y} × ${cell.x}: r = ${format(cell.v)}` : '';
              },
            },
          },
        },
        scales: {
          x: { type: 'category', labels: [...columns], offset: true, ticks: { color: text, autoSkip: false, maxRotation: 60 }, grid: { display: false } },
          y: { type: 'category', labels: [...columns], offset: true, reverse: false, ticks: { color: text, autoSkip: false }, grid: { display: false } },
        },
      },
    } as unknown as ChartConfiguration;
    section.append(element('p', 'explore-note', 'Blue: positive, red: negative; the stronger the colour, the larger |r|. Hover a cell for its value.'));
    section.append(this.chart(n > 8 ? 'explore-chart tall' : 'explore-chart square', 'Correlation heat map: blue positive, red negative', config));
    const details = element('details');
    details.append(
      element('summary', undefined, 'Correlation table'),
      table(
        ['', ...columns],
        matrix.map((row, i) => [columns[i] ?? '', ...row.map((r) => format(r))]),
        'correlation-table',
      ),
    );
    section.append(details);
    if (leftOut > 0) section.append(element('p', 'explore-note', `${leftOut} more numeric columns are not in the matrix.`));
    return section;
  }

  private missing(e: DatasetExploration): HTMLElement {
    const section = element('div', 'explore-part');
    section.dataset.part = 'missing';
    section.append(element('h3', undefined, 'Missing values: which columns are missing together'));
    const { columns, patterns, patternCount } = e.missing;
    if (columns.length === 0) {
      section.append(element('p', 'explore-note', 'No column has a missing value.'));
      return section;
    }
    const rows = patterns.map((p) => [
      format(p.count),
      `${((p.count / Math.max(1, e.rowCount)) * 100).toFixed(1)}%`,
      ...columns.map((c) => (p.missing.includes(c.name) ? 'missing' : '')),
    ]);
    const t = table(
      ['rows', 'share', ...columns.map((c) => `${c.name} (${format(c.missing)})`)],
      rows,
      'missing-patterns',
      `The ${patterns.length} most frequent of ${patternCount} patterns; a row with nothing marked is complete.`,
    );
    for (const td of t.querySelectorAll('td')) if (td.textContent === 'missing') td.className = 'is-missing';
    section.append(t);
    return section;
  }

  private versus(target: TargetExploration | undefined, chosen: string | undefined): HTMLElement {
    const section = element('div', 'explore-part');
    section.dataset.part = 'target';
    if (!target) {
      section.append(
        element('h3', undefined, 'Features against the target'),
        element('p', 'explore-note', chosen ? 'Exploring…' : 'Choose a target column above to compare every feature with it.'),
      );
      return section;
    }
    const features = [...target.numeric.map((n) => n.column), ...target.categorical.map((c) => c.column)];
    const feature = this.feature && features.includes(this.feature) ? this.feature : features[0];
    section.append(
      element(
        'h3',
        undefined,
        `Features against ${target.column} (${target.kind === 'classification' ? `classification, ${target.classes?.length ?? 0} classes` : 'regression'})`,
      ),
    );
    if (!feature) {
      section.append(element('p', 'explore-note', 'No numeric or categorical feature to compare.'));
      return section;
    }
    section.append(
      select(
        'Feature',
        features.map((f): [string, string] => [f, f]),
        feature,
        'explore-feature',
        (value) => {
          this.feature = value;
          if (this.state) this.update(this.state);
        },
      ),
    );
    const numeric = target.numeric.find((n) => n.column === feature);
    const categorical = target.categorical.find((c) => c.column === feature);
    if (numeric) section.append(...this.numericPart(target, numeric));
    else if (categorical) section.append(...this.categoricalPart(target, categorical));
    if ((target.classesLeftOut ?? 0) > 0) section.append(element('p', 'explore-note', `${target.classesLeftOut} rarer classes are left out.`));
    if (target.skipped > 0) section.append(element('p', 'explore-note', `${target.skipped} text or date columns are not compared.`));
    return section;
  }

  private numericPart(target: TargetExploration, numeric: NumericVsTarget): HTMLElement[] {
    const text = cssVar('--vscode-foreground', '#cccccc');
    const grid = cssVar('--vscode-panel-border', '#80808059');
    const scales = { x: { ticks: { color: text }, grid: { color: grid } }, y: { ticks: { color: text }, grid: { color: grid } } };
    if (target.kind === 'classification' && numeric.boxes) {
      const classes = (target.classes ?? []).map((c) => c.value);
      const boxes = numeric.boxes;
      const config = {
        type: 'bar',
        data: {
          labels: classes,
          datasets: [
            {
              label: 'whiskers (1.5 IQR)',
              data: boxes.map((b) => (b ? [b.lowerWhisker, b.upperWhisker] : null)),
              backgroundColor: text,
              barPercentage: 0.04,
              grouped: false,
              order: 2,
            },
            {
              label: 'quartiles (25%–75%)',
              data: boxes.map((b) => (b ? [b.q1, b.q3] : null)),
              backgroundColor: seriesColor(0),
              barPercentage: 0.5,
              grouped: false,
              order: 1,
            },
            {
              type: 'line',
              label: 'median',
              data: boxes.map((b) => b?.median ?? null),
              showLine: false,
              pointStyle: 'line',
              pointRadius: 18,
              pointBorderWidth: 3,
              borderColor: seriesColor(1),
              pointBorderColor: seriesColor(1),
              order: 0,
            },
          ],
        },
        options: { animation: false, maintainAspectRatio: false, plugins: { legend: { labels: { color: text } } }, scales },
      } as unknown as ChartConfiguration;
      return [
        this.chart('explore-chart', `Box plot of ${numeric.column} per class of ${target.column}`, config),
        table(
          ['class', 'rows', 'min', 'lower whisker', '25%', 'median', '75%', 'upper whisker', 'max'],
          classes.map((c, k) => {
            const b = boxes[k];
            return b
              ? [c, format(b.n), format(b.min), format(b.lowerWhisker), format(b.q1), format(b.median), format(b.q3), format(b.upperWhisker), format(b.max)]
              : [c, '0', '—', '—', '—', '—', '—', '—', '—'];
          }),
          'versus-table',
        ),
      ];
    }
    const bins = numeric.bins ?? [];
    const config = {
      type: 'line',
      data: {
        labels: bins.map((b) => `${format(b.from)}–${format(b.to)}`),
        datasets: [
          { label: `mean ${target.column}`, data: bins.map((b) => b.mean), borderColor: seriesColor(0), backgroundColor: seriesColor(0), spanGaps: true },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { labels: { color: text } } }, scales },
    } as unknown as ChartConfiguration;
    return [
      this.chart('explore-chart', `Mean ${target.column} per bin of ${numeric.column}`, config),
      table(
        [`${numeric.column} bin`, 'rows', `mean ${target.column}`],
        bins.map((b) => [`${format(b.from)} – ${format(b.to)}`, format(b.count), format(b.mean)]),
        'versus-table',
      ),
    ];
  }

  private categoricalPart(target: TargetExploration, categorical: CategoricalVsTarget): HTMLElement[] {
    const text = cssVar('--vscode-foreground', '#cccccc');
    const grid = cssVar('--vscode-panel-border', '#80808059');
    const labels = categorical.categories.map((c) => c.value);
    const left = categorical.categoriesLeftOut > 0 ? [element('p', 'explore-note', `${categorical.categoriesLeftOut} rarer categories are left out.`)] : [];
    if (target.kind === 'classification') {
      const classes = (target.classes ?? []).map((c) => c.value);
      const config = {
        type: 'bar',
        data: {
          labels,
          datasets: classes.map((c, k) => ({ label: c, data: categorical.categories.map((cat) => cat.shares?.[k] ?? 0), backgroundColor: seriesColor(k) })),
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { labels: { color: text } } },
          scales: {
            x: { stacked: true, ticks: { color: text }, grid: { color: grid } },
            y: { stacked: true, max: 1, ticks: { color: text }, grid: { color: grid } },
          },
        },
      } as unknown as ChartConfiguration;
      return [
        this.chart('explore-chart', `Share of each class of ${target.column} per value of ${categorical.column}`, config),
        table(
          [categorical.column, 'rows', ...classes.map((c) => `share ${c}`)],
          categorical.categories.map((cat) => [cat.value, format(cat.count), ...classes.map((_, k) => `${((cat.shares?.[k] ?? 0) * 100).toFixed(1)}%`)]),
          'versus-table',
        ),
        ...left,
      ];
    }
    const config = {
      type: 'bar',
      data: {
        labels,
        datasets: [{ label: `mean ${target.column}`, data: categorical.categories.map((c) => c.mean ?? null), backgroundColor: seriesColor(0) }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { color: text } } },
        scales: { x: { ticks: { color: text }, grid: { color: grid } }, y: { ticks: { color: text }, grid: { color: grid } } },
      },
    } as unknown as ChartConfiguration;
    return [
      this.chart('explore-chart', `Mean ${target.column} per value of ${categorical.column}`, config),
      table(
        [categorical.column, 'rows', `mean ${target.column}`],
        categorical.categories.map((c) => [c.value, format(c.count), format(c.mean)]),
        'versus-table',
      ),
      ...left,
    ];
  }
}
