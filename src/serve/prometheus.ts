/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4).
 * TODO(core/monitor): switch the line formatting to the Prometheus text helpers of src/core/monitor
 * once they land; the metric names and labels below are the service's contract and stay.
 */
import type { PredictionService } from './service';
import { LATENCY_BUCKETS } from './stats';

/** Escapes a label value: backslash, double quote and newline, as the format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  const entries = Object.entries(pairs);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

class Exposition {
  readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, pairs: Record<string, string> = {}): this {
    this.lines.push(`${name}${labels(pairs)} ${number(value)}`);
    return this;
  }
}

/** The service's metrics as Prometheus text. */
export function renderMetrics(service: PredictionService): string {
  const out = new Exposition();
  const run = service.run.id;
  out.family('mlwb_model_info', 'gauge', 'The served model: run, model type and task.').sample('mlwb_model_info', 1, { run_id: run, model: service.modelType, task: service.schema.task });
  out.family('mlwb_uptime_seconds', 'gauge', 'Seconds since the service started.').sample('mlwb_uptime_seconds', (Date.now() - service.started) / 1000);

  out.family('mlwb_requests_total', 'counter', 'Answered HTTP requests by route and status.');
  for (const { route, status, count } of service.stats.counts.values()) out.sample('mlwb_requests_total', count, { route, status: String(status) });

  out.family('mlwb_request_duration_seconds', 'histogram', 'Time from request arrival to response, by route.');
  for (const [route, histogram] of service.stats.histograms) {
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((bound, b) => {
      cumulative += histogram.buckets[b] as number;
      out.sample('mlwb_request_duration_seconds_bucket', cumulative, { route, le: String(bound) });
    });
    out.sample('mlwb_request_duration_seconds_bucket', histogram.count, { route, le: '+Inf' });
    out.sample('mlwb_request_duration_seconds_sum', histogram.sum, { route });
    out.sample('mlwb_request_duration_seconds_count', histogram.count, { route });
  }

  const predictions = service.predictionsSummary();
  out.family('mlwb_predictions_total', 'counter', 'Rows predicted, by predicted class for classifiers.');
  if (predictions.byClass) for (const [label, count] of Object.entries(predictions.byClass)) out.sample('mlwb_predictions_total', count, { class: label });
  else out.sample('mlwb_predictions_total', predictions.total);

  const feedback = service.feedbackMetrics();
  out.family('mlwb_feedback_total', 'counter', 'Labels or values received on /feedback.').sample('mlwb_feedback_total', service.feedbackStore.total);
  for (const name of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'mae', 'rmse'] as const) {
    const value = feedback[name];
    if (value === undefined) continue;
    out.family(`mlwb_feedback_${name}`, 'gauge', `${name} of the model on the most recent feedback.`).sample(`mlwb_feedback_${name}`, value);
  }

  const drift = service.window.report();
  out.family('mlwb_drift_window_rows', 'gauge', 'Recent request rows that drift is measured on.').sample('mlwb_drift_window_rows', service.window.rows);
  if (drift) {
    out.family('mlwb_drift_statistic', 'gauge', 'Drift statistic of each feature against the training reference (KS D, chi-squared, z, or a distance).');
    for (const f of drift.features) out.sample('mlwb_drift_statistic', f.statistic, { feature: f.name, method: f.method });
    out.family('mlwb_drift_p_value', 'gauge', 'p-value of the drift test of each feature (p-value tests only).');
    for (const f of drift.features) if (f.pValue !== undefined) out.sample('mlwb_drift_p_value', f.pValue, { feature: f.name, method: f.method });
    out.family('mlwb_drift_psi', 'gauge', 'Population stability index of each feature.');
    for (const f of drift.features) if (f.psi !== null) out.sample('mlwb_drift_psi', f.psi, { feature: f.name });
    out.family('mlwb_drift_detected', 'gauge', '1 when a feature drifts.');
    for (const f of drift.features) out.sample('mlwb_drift_detected', f.drifted ? 1 : 0, { feature: f.name });
    out.family('mlwb_dataset_drift', 'gauge', '1 when at least half the features drift.').sample('mlwb_dataset_drift', drift.datasetDrift ? 1 : 0);
  }

  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the service process.').sample('process_resident_memory_bytes', memory.rss);
  out.family('process_cpu_seconds_total', 'counter', 'User and system CPU time of the service process.').sample('process_cpu_seconds_total', (cpu.user + cpu.system) / 1e6);
  return `${out.lines.join('\n')}\n`;
}
