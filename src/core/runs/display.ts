/**
 * How runs read wherever they are listed (the Runs view, run pickers, notifications, the sweep
 * leaderboard): rounded values with full precision left to tooltips, the parameters that tell a run
 * from its siblings, a short run id, and the one "best" figure of a sweep with what it means.
 */
import { progressPercent } from './progress';
import { isRecord } from '../json';
import { keyMetric } from './keyMetric';
import type { RunRecord } from './store';

/** A parameter value rounded to three significant digits (2.537552333180031 → 2.54, 0.00017767 → 0.000178). */
export function formatParamNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e6)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/** Any parameter value as a user wrote it, numbers rounded: `[64, 32]`, `rbf`, `null`. */
export function formatParamValue(value: unknown): string {
  if (typeof value === 'number') return formatParamNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatParamValue).join(', ')}]`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | boolean);
}

/** A metric value with four decimals below 1 (0.9798), four significant digits above (53.21), exponent when tiny. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 1e-3) return value.toExponential(2);
  if (magnitude < 1) return value.toFixed(4);
  if (magnitude >= 1e4) return String(Math.round(value));
  return value.toPrecision(4);
}

/** `name=value` pairs, values rounded, in the given key order. */
export function formatParams(params: Readonly<Record<string, unknown>>, names: readonly string[] = Object.keys(params)): string {
  return names
    .filter((name) => name in params)
    .map((name) => `${name}=${formatParamValue(params[name])}`)
    .join(' ');
}

/** The last part of a run id (`20261204-210403-iris-a3f9` → `a3f9`): unique among runs of one second and experiment. */
export function shortRunId(id: string): string {
  return /-([a-z0-9]{4})$/.exec(id)?.[1] ?? id.slice(-6);
}

/**
 * Names of the parameters whose values differ between the runs (a parameter missing from some
 * counts as differing), sorted; runs without parameters (failed before training) are left out.
 */
export function varyingParamNames(all: readonly Pick<RunRecord, 'params'>[]): string[] {
  const records = all.filter((record) => record.params && Object.keys(record.params).length > 0);
  if (records.length < 2) return [];
  const names = new Set(records.flatMap((record) => Object.keys(record.params ?? {})));
  return [...names]
    .filter((name) => new Set(records.map((record) => JSON.stringify(record.params?.[name] ?? null))).size > 1)
    .sort((a, b) => a.localeCompare(b));
}

/** The figure a run is judged by, and what it is. */
export interface Headline {
  readonly name: string;
  readonly value: number;
  /** What the figure is, in words: "best trial's CV mean of f1_macro over 5 folds (trial 4 of 12)". */
  readonly definition: string;
  /** Where it was measured: "CV mean over 5 folds", "out-of-fold predictions of 5-fold cross-validation", "held-out rows". */
  readonly scope: string;
  /** 0-based index of the best trial of a sweep, in evaluation order. */
  readonly trial?: number;
}

interface StoredTrial {
  readonly params?: unknown;
  readonly score?: unknown;
  readonly cv?: { readonly folds?: readonly unknown[] };
}

/** Folds of a run's cross-validation, when it was cross-validated. */
function foldCount(record: RunRecord, trial?: StoredTrial): number | undefined {
  const folds = trial?.cv?.folds ?? (isRecord(record.cv) && Array.isArray(record.cv.folds) ? record.cv.folds : undefined);
  return folds && folds.length > 0 ? folds.length : undefined;
}

/**
 * A sweep's headline is its best trial's score, the mean over cross-validation folds of the search
 * metric, exactly as the leaderboard ranks trials; another run's is its key metric on held-out rows
 * (out-of-fold predictions when cross-validated). The notification, the Runs view and the leaderboard
 * all show this one figure, so a sweep's "best" is the same number everywhere.
 */
export function headlineMetric(record: RunRecord): Headline | undefined {
  const best = record.best;
  if (isRecord(best) && typeof best.metric === 'string' && typeof best.score === 'number' && Number.isFinite(best.score)) {
    const trials = (Array.isArray(record.trials) ? record.trials : []) as StoredTrial[];
    const key = JSON.stringify(best.params ?? null);
    const index = trials.findIndex((trial) => trial.score === best.score && JSON.stringify(trial.params ?? null) === key);
    const folds = foldCount(record, trials[index]);
    const where = index >= 0 ? ` (trial ${index + 1} of ${trials.length})` : '';
    const scope = `CV mean${folds ? ` over ${folds} folds` : ''}`;
    return {
      name: best.metric,
      value: best.score,
      scope,
      definition: `best trial's ${scope.replace('CV mean', `CV mean of ${best.metric}`)}${where}`,
      ...(index >= 0 ? { trial: index } : {}),
    };
  }
  const metric = keyMetric(record);
  if (!metric) return undefined;
  const folds = foldCount(record);
  const scope = folds ? `out-of-fold predictions of ${folds}-fold cross-validation` : 'held-out rows';
  return { ...metric, scope, definition: `${metric.name} on the ${scope}` };
}

/** The Runs view's label of a run: key metric first, then the experiment and what tells it from its siblings. */
export function runLabel(record: RunRecord, varying: readonly string[], progress?: number): string {
  const head =
    record.status === 'running'
      ? `running ${progressPercent(progress ?? record.progress ?? 0)}%`
      : record.status === 'completed'
        ? (() => {
            const headline = headlineMetric(record);
            return headline ? `${headline.name} ${formatMetric(headline.value)}` : 'completed';
          })()
        : record.status;
  const params = formatParams(record.params ?? {}, varying);
  return [head, [record.experiment, params].filter(Boolean).join(' ')].join(' · ');
}

/** When a run started, short: the time today, the date otherwise. */
export function shortWhen(iso: string, now = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (when.toDateString() === now.toDateString()) return `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  const month = when.toLocaleString('en', { month: 'short' });
  return when.getFullYear() === now.getFullYear() ? `${month} ${when.getDate()}` : `${month} ${when.getDate()} ${when.getFullYear()}`;
}

/** The Runs view's description of a run: short id, then when, then the sweep's size. */
export function runDescription(record: RunRecord, now = new Date()): string {
  const trials = Array.isArray(record.trials) ? record.trials.length : 0;
  return [shortRunId(record.id), shortWhen(record.startedAt ?? record.createdAt, now), trials > 0 ? `${trials} trials` : ''].filter(Boolean).join(' · ');
}

/** A trial's label in the Runs view: its score first, then its rounded parameters. */
export function trialLabel(
  trial: { readonly params: Readonly<Record<string, unknown>>; readonly score: number; readonly error?: string },
  index: number,
): string {
  const params = formatParams(trial.params) || `trial ${index + 1}`;
  return `${trial.error || !Number.isFinite(trial.score) ? 'failed' : formatMetric(trial.score)} · ${params}`;
}

/**
 * The notification of a finished run: a sweep's best (the leaderboard's figure, with what it is)
 * or another run's held-out metrics; every value rounded as the Runs view rounds it.
 */
export function completionMessage(record: RunRecord): string {
  const metrics = record.metrics ?? {};
  const held = ['accuracy', 'f1_macro', 'r2', 'rmse']
    .filter((name) => typeof metrics[name] === 'number')
    .map((name) => `${name} ${formatMetric(metrics[name] as number)}`)
    .join(', ');
  const headline = headlineMetric(record);
  const scores =
    headline?.trial !== undefined
      ? `best ${headline.name} ${formatMetric(headline.value)}, the ${headline.definition.replace(/^best /, '')}.`
      : `${held || 'no metrics'}${held && headline ? ` on the ${headline.scope}` : ''}.`;
  return `Run ${shortRunId(record.id)} (${record.experiment}) completed: ${scores}${warningsNote(record.warnings)}`;
}

/** What the completion notification says about a run's warnings (values that did not train as they look): the first, and how many more. */
function warningsNote(warnings: readonly string[] | undefined): string {
  if (!warnings || warnings.length === 0) return '';
  const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more warning${warnings.length > 2 ? 's' : ''} in its log)` : '';
  return ` Warning: ${warnings[0]}${more}`;
}
