/**
 * Charts for the run panels. Each chart keeps its canvas across re-renders (keyed), so live updates
 * change data in place instead of rebuilding; colors come from the current VS Code theme.
 */
import { Chart, registerables, type ChartConfiguration, type ChartDataset, type Plugin } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { CurveSeries } from '../../src/extension/dashboard/contract';
import { el, formatNumber } from './common';
import { applyTheme, cssVar, registerCharts, seriesColor } from '../shared/charts';
import { stepAxis } from './axes';

registerCharts(...registerables, MatrixController, MatrixElement);

/** Red, green and blue of a #rgb/#rrggbb(aa) or rgb()/rgba() color; undefined for other forms. */
function channels(color: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16));
    return [r ?? 0, g ?? 0, b ?? 0];
  }
  const rgb = /^rgba?\(([^)]+)\)$/
    .exec(color)?.[1]
    ?.split(',')
    .map((part) => Number.parseFloat(part));
  return rgb && rgb.length >= 3 ? [rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0] : undefined;
}

/** The color with the given alpha (colors in other forms are returned as they are). */
export function withAlpha(color: string, alpha: number): string {
  const rgb = channels(color);
  return rgb ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})` : color;
}

/** Whether text on `color` laid with `alpha` over `background` needs to be dark to be read. */
function isLight(color: string, alpha: number, background: string): boolean {
  const top = channels(color);
  const bottom = channels(background) ?? [0, 0, 0];
  if (!top) return false;
  const [r, g, b] = top.map((c, i) => (alpha * c + (1 - alpha) * (bottom[i] ?? 0)) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5;
}

interface Entry {
  readonly wrapper: HTMLElement;
  readonly chart: Chart;
  /** Charts whose plugins close over their data are rebuilt when this changes. */
  readonly signature: string;
}

const charts = new Map<string, Entry>();
let used = new Set<string>();

/** Starts a render pass: charts not asked for again before `endRender` are destroyed. */
export function beginRender(): void {
  applyTheme();
  used = new Set();
}

export function endRender(): string[] {
  for (const [key, entry] of charts) {
    if (!used.has(key)) {
      entry.chart.destroy();
      charts.delete(key);
    }
  }
  return [...charts.keys()];
}

/** Destroys every chart, e.g. when the theme changed and colors must be read again. */
export function destroyCharts(): void {
  for (const entry of charts.values()) entry.chart.destroy();
  charts.clear();
}

/** The chart for `key`: created once, then updated in place with the new data and options. */
export function chart(key: string, label: string, config: ChartConfiguration, size: 'normal' | 'tall' | 'square' = 'normal', signature = ''): HTMLElement {
  used.add(key);
  const existing = charts.get(key);
  if (existing && existing.signature === signature && (existing.chart.config as { type?: string }).type === config.type) {
    existing.chart.data = config.data;
    if (config.options) existing.chart.options = config.options;
    existing.chart.update('none');
    return existing.wrapper;
  }
  existing?.chart.destroy();
  const canvas = el('canvas', { role: 'img', 'aria-label': label });
  const wrapper = el('div', { class: `mlwb-chart mlwb-chart-${size}`, 'data-chart': key }, canvas);
  charts.set(key, { wrapper, chart: new Chart(canvas, config), signature });
  return wrapper;
}

/** Line datasets for curve series: validation dashed, folds told apart by color. */
export function lineDatasets<S extends CurveSeries>(
  series: readonly S[],
  colorOf: (s: S, i: number) => string = (_, i) => seriesColor(i),
): ChartDataset<'line'>[] {
  return series.map((s, i) => {
    const color = colorOf(s, i);
    return {
      label: s.label,
      data: s.points.map((p) => ({ x: p.x, y: p.y })),
      borderColor: color,
      backgroundColor: withAlpha(color, 0.2),
      borderDash: s.split === 'validation' ? [6, 4] : [],
      borderWidth: 1.5,
      pointRadius: s.points.length > 40 ? 0 : 2,
      tension: 0.15,
    };
  });
}

/** A line chart of steps against values. */
export function lineConfig(datasets: ChartDataset<'line'>[], xTitle: string, yTitle: string): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: stepAxis(xTitle),
        y: { type: 'linear', title: { display: true, text: yTitle } },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  };
}

/** Writes each cell's value in the middle of its cell, in a color that reads on the cell's shade. */
function cellTextPlugin(text: (index: number) => string, lightCell: (index: number) => boolean): Plugin<'matrix'> {
  return {
    id: 'mlwbCellText',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const size = Number(Chart.defaults.font.size) || 13;
      ctx.font = `600 ${size}px ${String(Chart.defaults.font.family)}`;
      meta.data.forEach((element, i) => {
        const { x, y } = (element as unknown as { getCenterPoint(): { x: number; y: number } }).getCenterPoint();
        ctx.fillStyle = lightCell(i) ? '#1b1b1b' : '#f3f3f3';
        ctx.fillText(text(i), x, y);
      });
      ctx.restore();
    },
  };
}

/**
 * Confusion matrix heatmap: rows are the truth, columns the prediction, in `labels` order. Shade is
 * the count over the largest count, or the row share when `normalised`.
 */
export function confusionConfig(labels: readonly string[], matrix: readonly (readonly number[])[], normalised: boolean): ChartConfiguration<'matrix'> {
  const base = cssVar('--vscode-charts-blue', '#3794ff');
  const background = cssVar('--vscode-editor-background', '#1e1e1e');
  const alpha = (i: number): number => 0.08 + 0.87 * intensity(i);
  const max = Math.max(1, ...matrix.flat());
  const cells = matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ x: labels[j] ?? String(j), y: labels[i] ?? String(i), v: count, share: total > 0 ? count / total : 0 }));
  });
  const intensity = (i: number): number => {
    const cell = cells[i];
    if (!cell) return 0;
    return normalised ? cell.share : cell.v / max;
  };
  const n = labels.length;
  return {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: 'confusion matrix',
          data: cells,
          backgroundColor: (context) => withAlpha(base, alpha(context.dataIndex)),
          borderColor: background,
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / n - 1,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / n - 1,
        },
      ],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (context) => {
              const cell = cells[context.dataIndex];
              return cell ? `truth ${cell.y} → predicted ${cell.x}: ${cell.v} (${(cell.share * 100).toFixed(1)}% of row)` : '';
            },
          },
        },
      },
      scales: {
        x: { type: 'category', labels: [...labels], offset: true, grid: { display: false }, title: { display: true, text: 'predicted' } },
        // The first class on top, as confusion matrices are read (a vertical category scale already runs top-down; the matrix chart's default flips it).
        y: { type: 'category', labels: [...labels], offset: true, reverse: false, grid: { display: false }, title: { display: true, text: 'actual' } },
      },
    },
    plugins: [
      cellTextPlugin(
        (i) => {
          const cell = cells[i];
          if (!cell) return '';
          return normalised ? cell.share.toFixed(2) : String(cell.v);
        },
        (i) => isLight(base, alpha(i), background),
      ),
    ],
  };
}

/** Horizontal bars, e.g. feature importances. */
export function barConfig(labels: readonly string[], values: readonly number[], title: string): ChartConfiguration<'bar'> {
  const color = seriesColor(0);
  return {
    type: 'bar',
    data: { labels: [...labels], datasets: [{ label: title, data: [...values], backgroundColor: withAlpha(color, 0.6), borderColor: color, borderWidth: 1 }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: title } } } },
  };
}

/** Horizontal bars of means with a thin floating bar from mean − std to mean + std over each (permutation importance). */
export function errorBarConfig(labels: readonly string[], means: readonly number[], stds: readonly number[], title: string): ChartConfiguration<'bar'> {
  const color = seriesColor(0);
  const spread = means.map((m, i): [number, number] => [m - (stds[i] ?? 0), m + (stds[i] ?? 0)]);
  return {
    type: 'bar',
    data: {
      labels: [...labels],
      datasets: [
        { label: title, data: [...means], backgroundColor: withAlpha(color, 0.6), borderColor: color, borderWidth: 1, grouped: false },
        {
          label: '± std over repeats',
          data: spread as unknown as number[],
          backgroundColor: cssVar('--vscode-foreground', '#ccc'),
          barPercentage: 0.15,
          grouped: false,
        },
      ],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: title } } } },
  };
}

/** Points of x against y, with an optional reference line (e.g. y = x, y = 0). */
export function scatterConfig(
  points: readonly { x: number; y: number }[],
  xTitle: string,
  yTitle: string,
  reference?: readonly { x: number; y: number }[],
): ChartConfiguration<'scatter'> {
  const color = seriesColor(0);
  const datasets: ChartDataset<'scatter'>[] = [
    { label: yTitle, data: [...points], backgroundColor: withAlpha(color, 0.55), borderColor: color, pointRadius: 3 },
  ];
  if (reference) {
    datasets.push({
      label: 'reference',
      data: [...reference],
      showLine: true,
      pointRadius: 0,
      borderColor: cssVar('--vscode-descriptionForeground', '#999'),
      borderDash: [4, 4],
      borderWidth: 1,
    });
  }
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      parsing: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `(${formatNumber(c.parsed.x ?? undefined)}, ${formatNumber(c.parsed.y ?? undefined)})` } },
      },
      scales: { x: { type: 'linear', title: { display: true, text: xTitle } }, y: { type: 'linear', title: { display: true, text: yTitle } } },
    },
  };
}
