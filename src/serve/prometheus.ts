/** GET /metrics: the service's metrics in the Prometheus text format, written with core/monitor's helpers. */
import { counter, exposition, gauge, histogram, type Sample } from '../core/monitor';
import type { PredictionService } from './service';

export { PROMETHEUS_CONTENT_TYPE } from '../core/monitor';

const FEEDBACK_SCORES = ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'mae', 'rmse'] as const;

/** The service's metrics as Prometheus text. */
export function renderMetrics(service: PredictionService): string {
  const families: string[] = [];
  families.push(
    gauge('mlwb_model_info', 'The served model: run, model type and task.', [
      { labels: { run_id: service.run.id, model: service.modelType, task: service.schema.task }, value: 1 },
    ]),
  );
  families.push(
    gauge('mlwb_model_version', 'The model version serving now (1: as trained; higher: updated online from feedback).', [{ value: service.modelVersion }]),
  );
  if (service.online)
    families.push(counter('mlwb_online_updates_total', 'Online updates of the model from feedback since start.', [{ value: service.online.status().updates }]));
  families.push(gauge('mlwb_uptime_seconds', 'Seconds since the service started.', [{ value: (Date.now() - service.started) / 1000 }]));
  families.push(
    counter(
      'mlwb_requests_total',
      'Answered HTTP requests by route and status.',
      [...service.stats.counts.values()].map(({ route, status, count }) => ({ labels: { route, status: String(status) }, value: count })),
    ),
  );
  families.push(
    histogram(
      'mlwb_request_duration_seconds',
      'Time from request arrival to response, by route.',
      service.stats.histograms().map(([route, h]) => ({ labels: { route }, ...h })),
    ),
  );

  const predictions = service.predictionsSummary();
  const byClass: Sample[] = predictions.byClass
    ? Object.entries(predictions.byClass).map(([label, count]) => ({ labels: { class: label }, value: count }))
    : [{ value: predictions.total }];
  families.push(counter('mlwb_predictions_total', 'Rows predicted, by predicted class for classifiers.', byClass));

  families.push(counter('mlwb_feedback_total', 'Labels or values received on /feedback.', [{ value: service.feedbackLog.total }]));
  const feedback = service.feedbackMetrics() as Partial<Record<(typeof FEEDBACK_SCORES)[number], number>>;
  for (const name of FEEDBACK_SCORES) {
    const value = feedback[name];
    if (value !== undefined) families.push(gauge(`mlwb_feedback_${name}`, `${name} of the model on the feedback joined so far.`, [{ value }]));
  }

  families.push(gauge('mlwb_drift_window_rows', 'Recent request rows that drift is measured on.', [{ value: service.window.rows }]));
  const drift = service.window.report();
  if (drift) {
    families.push(
      gauge(
        'mlwb_drift_statistic',
        'Drift statistic of each feature against the training reference (KS D, chi-squared, z, or a distance).',
        drift.features.map((f) => ({ labels: { feature: f.name, method: f.method }, value: f.statistic })),
      ),
      gauge(
        'mlwb_drift_p_value',
        'p-value of the drift test of each feature (p-value tests only).',
        drift.features.flatMap((f) => (f.pValue === undefined ? [] : [{ labels: { feature: f.name, method: f.method }, value: f.pValue }])),
      ),
      gauge(
        'mlwb_drift_psi',
        'Population stability index of each feature.',
        drift.features.flatMap((f) => (f.psi === null ? [] : [{ labels: { feature: f.name }, value: f.psi }])),
      ),
      gauge(
        'mlwb_drift_detected',
        '1 when a feature drifts.',
        drift.features.map((f) => ({ labels: { feature: f.name }, value: f.drifted ? 1 : 0 })),
      ),
      gauge('mlwb_dataset_drift', '1 when at least half the features drift.', [{ value: drift.datasetDrift ? 1 : 0 }]),
    );
  }

  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  families.push(gauge('process_resident_memory_bytes', 'Resident memory of the service process.', [{ value: memory.rss }]));
  families.push(counter('process_cpu_seconds_total', 'User and system CPU time of the service process.', [{ value: (cpu.user + cpu.system) / 1e6 }]));
  return exposition(families);
}
