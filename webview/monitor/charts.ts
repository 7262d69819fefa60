/**
 * The monitor's charts. Each keeps its canvas and Chart instance across pushes and gets its data
 * replaced in place, so a live update every two seconds does not rebuild anything; colors come
 * from the current VS Code theme.
 */
import { Chart, type ChartDataset } from 'chart.js';
import { cssVar, registerCharts } from '../shared/charts';
import { el } from './dom';

registerCharts();

export type SeriesColor = 'blue' | 'orange' | 'green' | 'purple' | 'red' | 'yellow' | 'foreground';

const FALLBACK: Record<SeriesColor, string> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
  red: '#f14c4c',
  yellow: '#cca700',
  foreground: '#cccccc',
};

export function color(name: SeriesColor): string {
  return name === 'foreground' ? cssVar('--vscode-descriptionForeground', FALLBACK.foreground) : cssVar(`--vscode-charts-${name}`, FALLBACK[name]);
}

export interface Series {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly color: SeriesColor;
  readonly dashed?: boolean;
  /** The right-hand axis (`y1`) instead of the left one. */
  readonly right?: boolean;
}

export interface TimeAxes {
  /** Milliseconds since the epoch: the left and right ends of the time axis. */
  readonly from: number;
  readonly to: number;
  readonly yTitle: string;
  readonly y1Title?: string;
  readonly yMax?: number;
  readonly yFormat?: (value: number) => string;
}

const charts = new Map<string, Chart>();

function clock(value: number): string {
  const d = new Date(value);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The host element of a chart: a div with its canvas, described for screen readers. */
export function chartHost(id: string, label: string, size: 'normal' | 'short' = 'normal'): HTMLElement {
  return el('div', { class: `mon-chart${size === 'short' ? ' mon-chart-short' : ''}`, 'data-chart': id }, el('canvas', { role: 'img', 'aria-label': label }));
}

function canvasOf(id: string): HTMLCanvasElement | undefined {
  const canvas = document.querySelector(`[data-chart="${id}"] canvas`);
  return canvas instanceof HTMLCanvasElement ? canvas : undefined;
}

/** Draws (or updates in place) a time-series line chart in the host `chartHost(id)` made. */
export function timeChart(id: string, series: readonly Series[], axes: TimeAxes): void {
  const canvas = canvasOf(id);
  if (!canvas) return;
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = series.map((s) => ({
    label: s.label,
    data: s.points.map((p) => ({ x: p.x, y: p.y })),
    borderColor: color(s.color),
    backgroundColor: color(s.color),
    borderWidth: 2,
    borderDash: s.dashed ? [6, 4] : [],
    pointRadius: s.points.length === 1 ? 3 : 0,
    tension: 0.2,
    yAxisID: s.right ? 'y1' : 'y',
  }));
  const scales = {
    x: { type: 'linear' as const, min: axes.from, max: axes.to, ticks: { maxTicksLimit: 6, callback: (value: number | string) => clock(Number(value)) } },
    y: {
      type: 'linear' as const,
      beginAtZero: true,
      ...(axes.yMax === undefined ? {} : { max: axes.yMax }),
      title: { display: true, text: axes.yTitle },
      ticks: { callback: (value: number | string) => (axes.yFormat ? axes.yFormat(Number(value)) : String(value)) },
    },
    y1: {
      type: 'linear' as const,
      display: axes.y1Title !== undefined,
      position: 'right' as const,
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      title: { display: axes.y1Title !== undefined, text: axes.y1Title ?? '' },
    },
  };
  const existing = charts.get(id);
  if (existing && existing.canvas === canvas) {
    existing.data.datasets = datasets as ChartDataset[];
    existing.options.scales = scales;
    existing.update('none');
    return;
  }
  existing?.destroy();
  charts.set(
    id,
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: { scales, interaction: { mode: 'nearest', intersect: false }, plugins: { legend: { display: series.length > 1, position: 'bottom' } } },
    }) as unknown as Chart,
  );
}

/** Draws (or updates in place) a bar chart of counts by label. */
export function barChart(id: string, labels: readonly string[], values: readonly number[], title: string): void {
  const canvas = canvasOf(id);
  if (!canvas) return;
  const dataset: ChartDataset<'bar', number[]> = { label: title, data: [...values], backgroundColor: color('blue'), borderColor: color('blue') };
  const existing = charts.get(id);
  if (existing && existing.canvas === canvas) {
    existing.data.labels = [...labels];
    existing.data.datasets = [dataset as ChartDataset];
    existing.update('none');
    return;
  }
  existing?.destroy();
  charts.set(
    id,
    new Chart(canvas, {
      type: 'bar',
      data: { labels: [...labels], datasets: [dataset] },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: title }, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } },
      },
    }) as unknown as Chart,
  );
}

/** Ids of the charts whose canvas is in the page and that hold at least one value. */
export function drawnCharts(): string[] {
  return [...charts.entries()].filter(([, chart]) => chart.canvas.isConnected && chart.data.datasets.some((d) => d.data.length > 0)).map(([id]) => id);
}

/** Drops every chart whose canvas left the page, or all of them (a theme change redraws everything). */
export function destroyCharts(all = false): void {
  for (const [id, chart] of [...charts.entries()]) {
    if (all || !chart.canvas.isConnected) {
      chart.destroy();
      charts.delete(id);
    }
  }
}
