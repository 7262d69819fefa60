import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertMessage, checkAlerts, type AlertMemory, type AlertObservation, type AlertSettings } from '../../../src/extension/monitor/alerts';

const on: AlertSettings = { alertOnDrift: true, accuracyThreshold: 0.8 };

/** Feeds observations one poll after another and returns the kinds alerted at each poll. */
function replay(observations: AlertObservation[], settings: AlertSettings | AlertSettings[]): string[][] {
  let memory: AlertMemory | undefined;
  return observations.map((observation, i) => {
    const result = checkAlerts(memory, observation, Array.isArray(settings) ? (settings[i] as AlertSettings) : settings);
    memory = result.memory;
    return result.alerts.map((alert) => alert.kind);
  });
}

test('dataset drift alerts once when it appears, not on every poll, and again after it cleared', () => {
  const calm = { datasetDrift: false, driftedFeatureNames: ['a'], measuredFeatures: 4 };
  const drifting = { datasetDrift: true, driftedFeatureNames: ['a', 'b'], measuredFeatures: 4 };
  assert.deepEqual(replay([{}, calm, drifting, drifting, drifting, calm, calm, drifting], on), [[], [], ['drift'], [], [], [], [], ['drift']]);
});

test('the drift alert carries the drifted features and the measured count', () => {
  const { alerts } = checkAlerts(undefined, { datasetDrift: true, driftedFeatureNames: ['petal_length_cm', 'petal_width_cm'], measuredFeatures: 4 }, on);
  assert.deepEqual(alerts, [{ kind: 'drift', features: ['petal_length_cm', 'petal_width_cm'], measured: 4 }]);
  assert.equal(
    alertMessage(alerts[0]!, 'iris-1'),
    'ML Workbench: data drift in the service of run iris-1: 2 of 4 features drifted (petal_length_cm, petal_width_cm).',
  );
});

test('with alertOnDrift off nothing is said; turning it on while drifting says it once', () => {
  const off = { ...on, alertOnDrift: false };
  const drifting = { datasetDrift: true, driftedFeatureNames: ['a'], measuredFeatures: 1 };
  assert.deepEqual(replay([drifting, drifting, drifting, drifting], [off, off, on, on]), [[], [], ['drift'], []]);
});

test('accuracy alerts once when it falls below the threshold, strictly below, and again after recovering', () => {
  const at = (accuracy: number | undefined): AlertObservation => ({ accuracy, feedbackCount: 10 });
  assert.deepEqual(replay([at(undefined), at(0.9), at(0.8), at(0.79), at(0.5), at(0.85), at(0.7)], on), [[], [], [], ['accuracy'], [], [], ['accuracy']]);
  const { alerts } = checkAlerts(undefined, { accuracy: 0.625, feedbackCount: 8 }, on);
  assert.deepEqual(alerts, [{ kind: 'accuracy', accuracy: 0.625, threshold: 0.8, feedbackCount: 8 }]);
  assert.match(alertMessage(alerts[0]!, 'r1'), /accuracy of run r1 from feedback is 0\.625 over 8 labelled requests, below the threshold 0\.8/);
});

test('a threshold of 0 turns the accuracy alert off; a regression (no accuracy) never raises it', () => {
  assert.deepEqual(replay([{ accuracy: 0 }, { accuracy: 0.1 }], { ...on, accuracyThreshold: 0 }), [[], []]);
  assert.deepEqual(replay([{ feedbackCount: 20 }, { accuracy: Number.NaN }], on), [[], []]);
});

test('a restarted service (no feedback yet) clears the accuracy memory', () => {
  assert.deepEqual(replay([{ accuracy: 0.5 }, {}, { accuracy: 0.5 }], on), [['accuracy'], [], ['accuracy']]);
});

test('drift and accuracy crossing in the same poll give both alerts', () => {
  const { alerts, memory } = checkAlerts({ drift: false, lowAccuracy: false }, { datasetDrift: true, driftedFeatureNames: ['x'], accuracy: 0.1 }, on);
  assert.deepEqual(
    alerts.map((a) => a.kind),
    ['drift', 'accuracy'],
  );
  assert.deepEqual(memory, { drift: true, lowAccuracy: true });
});

test('long lists of drifted features are shortened in the message', () => {
  const features = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];
  assert.match(alertMessage({ kind: 'drift', features, measured: 10 }, 'r'), /7 of 10 features drifted \(f1, f2, f3, f4, f5 and 2 more\)\.$/);
});
