/** Hooks the core drift statistics (src/core/drift, Evidently's defaults) into the service. */
import { driftReport } from '../core/drift';
import type { DriftFunction } from './driftWindow';

/** The drift statistic of the service: the core report with its default tests and thresholds. */
export function driftFunction(): DriftFunction {
  return (reference, schema, current) => driftReport(reference, schema, current);
}
