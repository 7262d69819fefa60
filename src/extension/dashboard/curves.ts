/** Turns the progress lines of a run's metrics.jsonl into chart series. Pure: no `vscode` here. */
import type { CurveSeries, Curves } from './contract';

/** Most series one chart shows; more would be an unreadable tangle. */
export const MAX_SERIES = 24;

type Line = Readonly<Record<string, unknown>>;

interface Builder {
  label: string;
  split: 'train' | 'validation';
  fold?: number;
  points: { x: number; y: number }[];
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validation metrics carry a `val_`/`validation_` prefix (as Keras names them). */
function splitOf(name: string): 'train' | 'validation' {
  return /^(val|validation)_/.test(name) ? 'validation' : 'train';
}

function seriesLabel(stage: string, fold: number | undefined, name?: string): string {
  const where = stage.startsWith('refit') ? 'refit on all rows' : fold !== undefined ? `fold ${fold}` : stage;
  const what = name ?? (stage.startsWith('refit') ? stage.replace(/^refit\s*/, '') || 'loss' : stage);
  return what === where ? what : `${what} · ${where}`;
}

/**
 * Series of loss and metrics per step: one per stage and fold (and per metric name). Lines of a
 * search's trials are summarised as one score-per-trial series instead: each trial's own curves
 * belong to the leaderboard, and dozens of them would hide everything else.
 */
export function curvesFromLines(lines: readonly Line[]): Curves {
  const loss = new Map<string, Builder>();
  const metrics = new Map<string, Builder>();
  const add = (target: Map<string, Builder>, key: string, make: () => Omit<Builder, 'points'>, x: number, y: number): void => {
    let series = target.get(key);
    if (!series) target.set(key, (series = { ...make(), points: [] }));
    series.points.push({ x, y });
  };
  for (const line of lines) {
    const stage = typeof line.stage === 'string' ? line.stage : '';
    if (stage === 'fold' || !finite(line.step)) continue;
    if (stage === 'trial') {
      if ('index' in line) continue; // a trial record, not a progress event
      const scores = line.metrics as Record<string, unknown> | undefined;
      for (const [name, value] of Object.entries(scores ?? {})) {
        if (finite(value)) add(metrics, `trial|${name}`, () => ({ label: `${name} per trial`, split: 'validation' }), line.step, value);
      }
      continue;
    }
    if (line.trial !== undefined) continue;
    const fold = finite(line.fold) && finite(line.folds) && line.folds > 1 && !stage.startsWith('refit') ? line.fold : undefined;
    const key = `${stage}|${fold ?? ''}`;
    if (finite(line.loss))
      add(loss, key, () => ({ label: seriesLabel(stage, fold, stage.startsWith('refit') ? undefined : 'loss'), split: 'train', fold }), line.step, line.loss);
    const values = line.metrics as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(values ?? {})) {
      if (!finite(value)) continue;
      add(metrics, `${key}|${name}`, () => ({ label: seriesLabel(stage, fold, name), split: splitOf(name), fold }), line.step, value);
    }
  }
  const cap = (all: Builder[]): CurveSeries[] => all.slice(0, MAX_SERIES).map((series) => ({ ...series, points: series.points.sort((a, b) => a.x - b.x) }));
  // A single point is no curve: closed-form fits (least squares) and per-pair solvers report one per fold.
  const lossSeries = [...loss.values()].filter((series) => series.points.length > 1);
  const metricSeries = [...metrics.values()].filter((series) => series.points.length > 1);
  const hidden = Math.max(0, lossSeries.length - MAX_SERIES) + Math.max(0, metricSeries.length - MAX_SERIES);
  return { loss: cap(lossSeries), metrics: cap(metricSeries), hidden };
}

/**
 * One loss curve for a whole run, for overlaying runs: the mean over folds at each step of the
 * stage that reports most losses (the model's own training loop), or of the refit on all rows
 * when that is all there is. Stages with a single step (a closed-form fit) give no curve.
 */
export function meanLossCurve(lines: readonly Line[]): { x: number; y: number }[] {
  const byStage = new Map<string, Map<number, { sum: number; count: number }>>();
  for (const line of lines) {
    const stage = typeof line.stage === 'string' ? line.stage : '';
    if (!finite(line.step) || !finite(line.loss) || line.trial !== undefined) continue;
    const steps = byStage.get(stage) ?? new Map<number, { sum: number; count: number }>();
    const entry = steps.get(line.step) ?? { sum: 0, count: 0 };
    entry.sum += line.loss;
    entry.count++;
    steps.set(line.step, entry);
    byStage.set(stage, steps);
  }
  const weight = (steps: Map<number, { count: number }>): number => [...steps.values()].reduce((total, entry) => total + entry.count, 0);
  const ranked = [...byStage].sort(([a, sa], [b, sb]) => Number(a.startsWith('refit')) - Number(b.startsWith('refit')) || weight(sb) - weight(sa));
  const steps = ranked[0]?.[1];
  if (!steps || steps.size < 2) return [];
  return [...steps].map(([x, { sum, count }]) => ({ x, y: sum / count })).sort((a, b) => a.x - b.x);
}
