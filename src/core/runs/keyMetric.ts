/** The key metric of a run, in a module of its own: the extension shows it at activation without loading training. */
import type { RunRecord } from './store';

/** The key metric of a run, as shown in the Runs view and the CLI. */
export function keyMetric(record: RunRecord): { name: string; value: number } | undefined {
  const metrics = record.metrics as Record<string, unknown> | undefined;
  if (!metrics) return undefined;
  for (const name of ['f1_macro', 'accuracy', 'r2', 'rmse']) {
    const value = metrics[name];
    if (typeof value === 'number') return { name, value };
  }
  return undefined;
}
