/**
 * Hooks the core drift statistics (src/core/drift, Evidently's defaults) into the service.
 * TODO(core/drift): src/core/drift is being written beside this service; once `driftReport(reference,
 * schema, current)` lands, adapt its report here. Until then the service reports no drift (the
 * window of recent rows is kept either way, see driftWindow.ts).
 */
import type { DriftFunction } from './driftWindow';

/** The drift statistic of the service, or undefined while core/drift is not available. */
export function driftFunction(): DriftFunction | undefined {
  return undefined;
}
