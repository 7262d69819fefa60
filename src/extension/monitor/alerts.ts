/**
 * When to notify about a served model: once when dataset drift appears and once when the accuracy
 * measured from feedback falls below the threshold. Polls repeat every two seconds, so what was
 * already reported is remembered per deployment and only a new crossing (false → true) alerts;
 * after the condition clears, a later crossing alerts again. No `vscode` import: unit-tested in Node.
 */

export interface AlertSettings {
  readonly alertOnDrift: boolean;
  /** 0 turns the accuracy alert off. */
  readonly accuracyThreshold: number;
}

/** What one poll says, reduced to what alerts look at. */
export interface AlertObservation {
  readonly datasetDrift?: boolean;
  readonly driftedFeatureNames?: readonly string[];
  readonly measuredFeatures?: number;
  readonly accuracy?: number;
  readonly feedbackCount?: number;
}

/** The conditions already reported for one deployment. */
export interface AlertMemory {
  readonly drift: boolean;
  readonly lowAccuracy: boolean;
}

export type Alert =
  | { readonly kind: 'drift'; readonly features: readonly string[]; readonly measured: number }
  | { readonly kind: 'accuracy'; readonly accuracy: number; readonly threshold: number; readonly feedbackCount: number };

export const NO_ALERTS: AlertMemory = { drift: false, lowAccuracy: false };

/** The alerts this observation raises given what was reported before, and the memory to keep. */
export function checkAlerts(
  memory: AlertMemory | undefined,
  observation: AlertObservation,
  settings: AlertSettings,
): { readonly memory: AlertMemory; readonly alerts: readonly Alert[] } {
  const before = memory ?? NO_ALERTS;
  const alerts: Alert[] = [];
  // A disabled alert remembers nothing, so turning it on while the condition holds reports it once.
  const drift = settings.alertOnDrift && observation.datasetDrift === true;
  if (drift && !before.drift) {
    const features = observation.driftedFeatureNames ?? [];
    alerts.push({ kind: 'drift', features, measured: observation.measuredFeatures ?? features.length });
  }
  const threshold = settings.accuracyThreshold;
  const accuracy = observation.accuracy;
  const lowAccuracy = threshold > 0 && accuracy !== undefined && Number.isFinite(accuracy) && accuracy < threshold;
  if (lowAccuracy && !before.lowAccuracy) {
    alerts.push({ kind: 'accuracy', accuracy, threshold, feedbackCount: observation.feedbackCount ?? 0 });
  }
  return { memory: { drift, lowAccuracy }, alerts };
}

/** The notification text of an alert about the service of `runId`. */
export function alertMessage(alert: Alert, runId: string): string {
  if (alert.kind === 'drift') {
    const shown = alert.features.slice(0, 5).join(', ');
    const more = alert.features.length > 5 ? ` and ${alert.features.length - 5} more` : '';
    return `ML Workbench: data drift in the service of run ${runId}: ${alert.features.length} of ${alert.measured} features drifted (${shown}${more}).`;
  }
  return `ML Workbench: the accuracy of run ${runId} from feedback is ${alert.accuracy.toFixed(3)} over ${alert.feedbackCount} labelled requests, below the threshold ${alert.threshold}.`;
}
