/** Chart.js set-up shared by the webview bundles: the parts bar and line charts need, and colours read from the VS Code theme. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartComponentLike,
} from 'chart.js';

/** Registers the bar and line chart parts (controllers, elements, category and linear scales, tooltip, legend) and any `extra` ones. */
export function registerCharts(...extra: ChartComponentLike[]): void {
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend, ...extra);
}

/** A CSS custom property of the theme, e.g. `--vscode-foreground`. */
export function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

const PALETTE: readonly [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

/** The theme's chart colour for series `i`, cycling through blue, orange, green, purple, red and yellow. */
export function seriesColor(i: number): string {
  const [name, fallback] = PALETTE[i % PALETTE.length] as [string, string];
  return cssVar(name, fallback);
}

/** Chart.js defaults from the theme; called before charts are drawn, so a theme change shows at once. */
export function applyTheme(): void {
  Chart.defaults.color = cssVar('--vscode-foreground', '#cccccc');
  Chart.defaults.borderColor = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)'));
  Chart.defaults.font.family = cssVar('--vscode-font-family', 'sans-serif');
  Chart.defaults.font.size = Number.parseInt(cssVar('--vscode-font-size', '13'), 10) || 13;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}
