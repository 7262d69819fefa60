/**
 * Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/):
 * one "# HELP" and "# TYPE" line per family, then its samples `name{label="value",...} value`.
 * Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
 */
import { MlError } from '../types';

export type Labels = Readonly<Record<string, string | number>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

export interface HistogramSeries {
  readonly labels?: Labels;
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative counts per bound; a trailing +Inf count, when given, must equal `count`. */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value: \ → \\, " → \", newline → \n. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: \ → \\, newline → \n. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus writes it (NaN, +Inf, -Inf spelled out). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function checkName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new MlError(`invalid Prometheus metric name "${name}"`);
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const entries: [string, string][] = Object.entries(labels ?? {}).map(([k, v]) => [k, String(v)]);
  if (extra) entries.push(extra);
  if (entries.length === 0) return '';
  for (const [k] of entries) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new MlError(`invalid Prometheus label name "${k}"`);
  }
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function header(name: string, help: string, type: string): string[] {
  checkName(name);
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}

/** A counter family (by convention named ..._total). */
export function counter(name: string, help: string, samples: readonly Sample[]): string {
  for (const s of samples) if (s.value < 0) throw new MlError(`counter ${name} cannot be negative (${s.value})`);
  return [...header(name, help, 'counter'), ...samples.map((s) => `${name}${labelText(s.labels)} ${formatValue(s.value)}`)].join('\n');
}

/** A gauge family. */
export function gauge(name: string, help: string, samples: readonly Sample[]): string {
  return [...header(name, help, 'gauge'), ...samples.map((s) => `${name}${labelText(s.labels)} ${formatValue(s.value)}`)].join('\n');
}

/** A histogram family: cumulative `_bucket{le=...}` series ending in +Inf, then `_sum` and `_count`. */
export function histogram(name: string, help: string, series: readonly HistogramSeries[]): string {
  const lines = header(name, help, 'histogram');
  for (const s of series) {
    if (s.labels && 'le' in s.labels) throw new MlError(`histogram ${name}: "le" is reserved for bucket bounds`);
    const finite = s.cumulative.slice(0, s.bounds.length);
    if (finite.length !== s.bounds.length) throw new MlError(`histogram ${name}: ${s.bounds.length} bounds but ${s.cumulative.length} counts`);
    for (let i = 0; i < s.bounds.length; i++) {
      if (i > 0 && !((s.bounds[i] as number) > (s.bounds[i - 1] as number))) throw new MlError(`histogram ${name}: bounds must increase`);
      if (i > 0 && (finite[i] as number) < (finite[i - 1] as number)) throw new MlError(`histogram ${name}: bucket counts must be cumulative`);
      lines.push(`${name}_bucket${labelText(s.labels, ['le', formatValue(s.bounds[i] as number)])} ${formatValue(finite[i] as number)}`);
    }
    if ((finite[finite.length - 1] ?? 0) > s.count) throw new MlError(`histogram ${name}: a bucket holds more than count`);
    lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${formatValue(s.count)}`);
    lines.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
    lines.push(`${name}_count${labelText(s.labels)} ${formatValue(s.count)}`);
  }
  return lines.join('\n');
}

/** Joins families into one exposition body (ends with a newline, as the format requires). */
export function exposition(families: readonly string[]): string {
  return families.filter((f) => f.length > 0).join('\n') + '\n';
}

/** The Content-Type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
