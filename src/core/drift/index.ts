/** Drift statistics (SciPy-compatible) and the per-feature drift report built on Evidently's defaults. */
export { ksTwoSample, KS_MAX_EXACT_N } from './ks';
export type { KsMethod, KsResult } from './ks';
export { kolmogorovSf, smirnovSf } from './kolmogorov';
export { chiSquare, chiSquareDrift, proportionsZTest } from './chisquare';
export type { TestResult } from './chisquare';
export { wassersteinDistance, wassersteinNormed, populationStd } from './wasserstein';
export { jensenShannonDistance, jensenShannonDrift, populationStabilityIndex, psiDrift } from './divergence';
export { binnedShares, categoryCounts, histogramCounts, sturgesBinEdges, NUMERIC_BINNING_MIN_UNIQUE } from './binning';
export type { BinnedShares, DriftValue } from './binning';
export { chiSquaredSurvival, gammaIncLower, gammaIncUpper, logGamma, normalCdf } from './special';
export { driftReport } from './report';
export type { CurrentWindow, DriftMethod, DriftOptions, DriftReport, FeatureDrift, SkippedFeature } from './report';
