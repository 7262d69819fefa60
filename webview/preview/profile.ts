/** The profile tab: data-quality summary and one card per column with statistics, top values and a chart.js histogram. */
import { Chart } from 'chart.js';
import type { ColumnProfile, DatasetProfile } from '../../src/core/datasets/types';
import type { PreviewState, WebviewMessage } from '../../src/extension/preview/contract';
import { cssVar, registerCharts } from '../shared/charts';
import { element } from '../shared/dom';
import { binLabel, binRange } from './format';

registerCharts();

function chartColors(): { bar: string; text: string; grid: string } {
  return {
    bar: cssVar('--vscode-charts-blue', '#3794ff'),
    text: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-panel-border', '#80808059'),
  };
}

function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

function statsTable(pairs: readonly [string, string][]): HTMLTableElement {
  const table = element('table', 'stats');
  for (const [label, value] of pairs) {
    const tr = element('tr');
    tr.append(element('th', undefined, label), element('td', undefined, value));
    table.append(tr);
  }
  return table;
}

export class ProfileView {
  readonly root = element('div', 'profile-view');
  private readonly charts: Chart[] = [];
  private renderedKey = '';

  constructor(private readonly post: (message: WebviewMessage) => void) {
    // Charts copy their colours when drawn; a theme change swaps the --vscode-* variables and body class under them.
    let queued = false;
    const observer = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.restyle();
      });
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Repaints the charts in the current theme's colours. */
  private restyle(): void {
    const { bar, text, grid } = chartColors();
    for (const chart of this.charts) {
      for (const dataset of chart.data.datasets) dataset.backgroundColor = bar;
      for (const scale of Object.values(chart.options.scales ?? {})) {
        if (!scale) continue;
        if (scale.ticks) scale.ticks.color = text;
        if (scale.grid) scale.grid.color = grid;
      }
      chart.update('none');
    }
  }

  update(state: PreviewState): void {
    const profile = state.profile;
    const key = profile
      ? `${state.filePath}|${profile.rowCount}|${profile.elapsedMs}`
      : `progress|${state.profileProgress?.stage ?? ''}|${state.profileProgress?.step ?? ''}`;
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    for (const chart of this.charts.splice(0)) chart.destroy();
    if (!profile) {
      this.renderProgress(state);
      return;
    }
    this.root.replaceChildren(this.quality(profile), ...profile.columns.map((column) => this.card(column)));
    document.body.dataset.profiled = 'true';
  }

  private renderProgress(state: PreviewState): void {
    const progress = state.profileProgress;
    const box = element('div', 'progress');
    if (!progress) {
      box.textContent = 'No profile yet.';
      this.root.replaceChildren(box);
      return;
    }
    const percent = progress.of ? ` ${Math.round((progress.step / progress.of) * 100)}%` : '';
    box.append(element('span', undefined, `Profiling: ${progress.stage}${percent} `));
    const cancel = element('button', undefined, 'Cancel');
    cancel.addEventListener('click', () => this.post({ type: 'cancelProfile' }));
    box.append(cancel);
    this.root.replaceChildren(box);
  }

  private quality(profile: DatasetProfile): HTMLElement {
    const section = element('section', 'quality');
    section.append(element('h2', undefined, 'Data quality'));
    const q = profile.quality;
    section.append(
      statsTable([
        ['Rows', formatNumber(profile.rowCount)],
        ['Columns', formatNumber(profile.columns.length)],
        ['Missing cells', `${formatNumber(q.missingCells)} (${(q.missingCellRatio * 100).toFixed(1)}%)`],
        ['Duplicate rows', formatNumber(q.duplicateRows)],
        ['Values not parsing as their column type', formatNumber(q.invalidValues)],
        ['Constant columns', q.constantColumns.join(', ') || 'none'],
        ['High-cardinality columns', q.highCardinalityColumns.join(', ') || 'none'],
        ['Profiled in', `${formatNumber(profile.elapsedMs)} ms`],
      ]),
    );
    const list = element('ul', 'findings');
    for (const finding of q.findings) list.append(element('li', undefined, finding));
    if (q.findings.length === 0) list.append(element('li', undefined, 'No problems found.'));
    section.append(list);
    return section;
  }

  private card(column: ColumnProfile): HTMLElement {
    const card = element('section', 'column-card');
    card.dataset.column = column.name;
    const title = element('h3');
    title.append(element('span', 'column-name', column.name), element('span', 'column-type', column.type));
    card.append(title);
    const pairs: [string, string][] = [
      ['Count', formatNumber(column.count)],
      ['Missing', `${formatNumber(column.missing)} (${(column.missingRatio * 100).toFixed(1)}%)`],
      // Estimates (large files) read "≈", as the tree view shows them.
      ['Distinct', `${column.distinctEstimated ? '≈' : ''}${formatNumber(column.distinct)}`],
    ];
    const numeric = column.numeric;
    if (numeric) {
      pairs.push(
        ['Min', formatNumber(numeric.min)],
        ['Max', formatNumber(numeric.max)],
        ['Mean', formatNumber(numeric.mean)],
        ['Std', formatNumber(numeric.std)],
        [
          `25% / 50% / 75%${numeric.quartilesEstimated ? ' (estimates)' : ''}`,
          [numeric.q25, numeric.median, numeric.q75].map((q) => `${numeric.quartilesEstimated ? '≈' : ''}${formatNumber(q)}`).join(' / '),
        ],
      );
    }
    if (column.range) pairs.push(['Range', `${column.range.min} … ${column.range.max}`]);
    if (column.invalidCount > 0) {
      const examples = column.invalidExamples.map((example) => `"${example.value}" (row ${example.row})`).join(', ');
      pairs.push([`Not ${column.type}`, `${formatNumber(column.invalidCount)}: ${examples}`]);
    }
    card.append(statsTable(pairs));
    if (numeric && numeric.histogram.length > 0) {
      const holder = element('div', 'chart');
      const canvas = element('canvas');
      canvas.setAttribute('aria-label', `Histogram of ${column.name}`);
      holder.append(canvas);
      card.append(holder);
      const { bar: color, text, grid } = chartColors();
      this.charts.push(
        new Chart(canvas, {
          type: 'bar',
          data: {
            labels: numeric.histogram.map(binLabel),
            datasets: [
              { label: column.name, data: numeric.histogram.map((bin) => bin.count), backgroundColor: color, barPercentage: 1, categoryPercentage: 1 },
            ],
          },
          options: {
            animation: false,
            maintainAspectRatio: false,
            plugins: {
              tooltip: {
                callbacks: {
                  title: (items) => {
                    const bin = numeric.histogram[items[0]?.dataIndex ?? 0];
                    return bin ? binRange(bin) : '';
                  },
                },
              },
            },
            scales: {
              x: { ticks: { color: text, maxRotation: 0, autoSkip: true }, grid: { color: grid } },
              y: { ticks: { color: text }, grid: { color: grid } },
            },
          },
        }),
      );
    }
    if (column.topValues && column.topValues.length > 0) {
      card.append(element('h4', undefined, 'Top values'));
      const list = element('ol', 'top-values');
      for (const { value, count } of column.topValues) {
        const li = element('li');
        li.append(element('span', 'value', value), element('span', 'count', formatNumber(count)));
        list.append(li);
      }
      card.append(list);
    }
    return card;
  }
}
