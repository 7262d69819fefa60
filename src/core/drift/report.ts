/**
 * Data drift of a window of requests against a run's reference sample, with Evidently's default
 * choice of test per column (evidently/legacy/calculations/stattests/registry.py,
 * _get_default_stattest), missing values dropped first:
 *
 *   reference of <= 1000 values:  numeric with > 5 distinct values (reference ∪ current) → KS,
 *                                 otherwise (and categorical) → chi-squared, or the z-test of
 *                                 proportions when there are at most 2 distinct values;
 *                                 drift when p < 0.05.
 *   larger reference:             numeric with > 5 distinct values → normed Wasserstein,
 *                                 otherwise (and categorical) → Jensen–Shannon distance;
 *                                 drift when distance >= 0.1.
 *
 * PSI is reported beside every column. Text columns are skipped: Evidently's text drift trains a
 * domain classifier, which a monitoring loop should not do per request. The dataset drifts when
 * at least half of the measured features drift (Evidently's drift_share = 0.5).
 */
import type { ReferenceSample, RunSchema } from '../runs/artifacts';
import type { DriftValue } from './binning';
import { chiSquareDrift, proportionsZTest } from './chisquare';
import { jensenShannonDrift, psiDrift } from './divergence';
import { ksTwoSample } from './ks';
import { wassersteinNormed } from './wasserstein';

export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein_normed' | 'jensenshannon';

export interface DriftOptions {
  /** References with at most this many values get p-value tests, larger ones distances (Evidently: 1000). */
  readonly smallReferenceRows?: number;
  /** Drift when a test's p-value is below this (Evidently: 0.05). */
  readonly pValueThreshold?: number;
  /** Drift when a distance is at least this (Evidently: 0.1). */
  readonly distanceThreshold?: number;
  /** The dataset drifts when at least this share of measured features drift (Evidently: 0.5). */
  readonly driftShare?: number;
  /** Numeric columns with at most this many distinct values are compared as categories (Evidently: 5). */
  readonly maxCategoricalNumericValues?: number;
}

export interface FeatureDrift {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly method: DriftMethod;
  /** The test statistic (KS D, chi², z) or, for distance methods, the distance itself. */
  readonly statistic: number;
  /** Only for the p-value tests (ks, chisquare, z). */
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  /** Evidently's PSI on the same pair; null when it is not finite. */
  readonly psi: number | null;
  /** Non-missing values compared on each side. */
  readonly referenceCount: number;
  readonly currentCount: number;
  /** Share of the current window's rows where this feature was missing or unusable. */
  readonly currentMissingShare: number;
}

export interface SkippedFeature {
  readonly name: string;
  readonly kind: RunSchema['features'][number]['kind'];
  readonly reason: string;
}

export interface DriftReport {
  readonly features: FeatureDrift[];
  readonly skipped: SkippedFeature[];
  readonly driftedFeatures: string[];
  /** Drifted share of the measured features (0 when none was measured). */
  readonly share: number;
  readonly datasetDrift: boolean;
  readonly driftShare: number;
  readonly referenceRows: number;
  readonly currentRows: number;
}

export interface CurrentWindow {
  readonly columns: Readonly<Record<string, readonly unknown[]>>;
}

/** A finite number, or a string holding one (CSV requests); anything else counts as missing. */
function numericValues(values: readonly unknown[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) out.push(v);
    } else if (typeof v === 'string' && v.trim() !== '') {
      const parsed = Number(v);
      if (Number.isFinite(parsed)) out.push(parsed);
    }
  }
  return out;
}

/** Category labels as strings, as the training table holds them; null, NaN and empty strings are missing. */
function categoricalValues(values: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) continue;
    out.push(typeof v === 'string' ? v : String(v));
  }
  return out;
}

function distinctCount(a: readonly DriftValue[], b: readonly DriftValue[]): number {
  const seen = new Set<DriftValue>(a);
  for (const v of b) seen.add(v);
  return seen.size;
}

function rowCount(columns: Readonly<Record<string, readonly unknown[]>>): number {
  let rows = 0;
  for (const values of Object.values(columns)) rows = Math.max(rows, values.length);
  return rows;
}

/** Measures drift of each feature of `schema` between the run's reference sample and a window of current rows. */
export function driftReport(reference: ReferenceSample, schema: RunSchema, current: CurrentWindow, options: DriftOptions = {}): DriftReport {
  const { smallReferenceRows = 1000, pValueThreshold = 0.05, distanceThreshold = 0.1, driftShare = 0.5, maxCategoricalNumericValues = 5 } = options;
  const features: FeatureDrift[] = [];
  const skipped: SkippedFeature[] = [];
  const currentRows = rowCount(current.columns);

  for (const feature of schema.features) {
    const skip = (reason: string): void => {
      skipped.push({ name: feature.name, kind: feature.kind, reason });
    };
    if (feature.kind !== 'numeric' && feature.kind !== 'categorical') {
      skip(`${feature.kind} column: drift of free text is not measured`);
      continue;
    }
    const refRaw = reference.columns[feature.name];
    const curRaw = current.columns[feature.name];
    if (!refRaw) {
      skip('not in the reference sample');
      continue;
    }
    if (!curRaw) {
      skip('not in the current window');
      continue;
    }
    const numeric = feature.kind === 'numeric';
    const ref: DriftValue[] = numeric ? numericValues(refRaw) : categoricalValues(refRaw);
    const cur: DriftValue[] = numeric ? numericValues(curRaw) : categoricalValues(curRaw);
    if (ref.length === 0) {
      skip('no non-missing values in the reference sample');
      continue;
    }
    if (cur.length === 0) {
      skip('no non-missing values in the current window');
      continue;
    }
    const distinct = distinctCount(ref, cur);
    const asCategories = !numeric || distinct <= maxCategoricalNumericValues;
    let method: DriftMethod;
    let statistic: number;
    let pValue: number | undefined;
    if (ref.length <= smallReferenceRows) {
      const result = !asCategories ? ksTwoSample(ref as number[], cur as number[]) : distinct > 2 ? chiSquareDrift(ref, cur) : proportionsZTest(ref, cur);
      method = !asCategories ? 'ks' : distinct > 2 ? 'chisquare' : 'z';
      statistic = result.statistic;
      pValue = result.pValue;
    } else {
      method = asCategories ? 'jensenshannon' : 'wasserstein_normed';
      statistic = asCategories ? jensenShannonDrift(ref, cur, numeric) : wassersteinNormed(ref as number[], cur as number[]);
    }
    const threshold = pValue === undefined ? distanceThreshold : pValueThreshold;
    const drifted = pValue === undefined ? statistic >= threshold : pValue < threshold;
    const psi = psiDrift(ref, cur, numeric);
    features.push({
      name: feature.name,
      kind: feature.kind,
      method,
      statistic,
      ...(pValue === undefined ? {} : { pValue }),
      threshold,
      drifted,
      psi: Number.isFinite(psi) ? psi : null,
      referenceCount: ref.length,
      currentCount: cur.length,
      currentMissingShare: curRaw.length === 0 ? 0 : 1 - cur.length / curRaw.length,
    });
  }

  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  const share = features.length === 0 ? 0 : driftedFeatures.length / features.length;
  return {
    features,
    skipped,
    driftedFeatures,
    share,
    datasetDrift: features.length > 0 && share >= driftShare,
    driftShare,
    referenceRows: reference.rows,
    currentRows,
  };
}
