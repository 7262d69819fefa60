import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binnedShares, histogramCounts, sturgesBinEdges } from '../../../src/core/drift/binning';
import { chiSquare, chiSquareDrift, proportionsZTest } from '../../../src/core/drift/chisquare';
import { jensenShannonDistance, jensenShannonDrift, psiDrift } from '../../../src/core/drift/divergence';
import { kolmogorovSf } from '../../../src/core/drift/kolmogorov';
import { ksTwoSample } from '../../../src/core/drift/ks';
import { gammaIncLower, gammaIncUpper, normalCdf } from '../../../src/core/drift/special';
import { populationStd, wassersteinDistance, wassersteinNormed } from '../../../src/core/drift/wasserstein';

// Figures recorded with SciPy 1.10.1 by bench/reference/drift.py.
type Figure = number | 'inf' | 'nan';
interface NumericCase {
  name: string;
  reference: number[];
  current: number[];
  ks_statistic: number;
  ks_pvalue: number;
  ks_mode: 'exact' | 'asymp';
  ks_asymp_statistic: number;
  ks_asymp_pvalue: number;
  wasserstein: number;
  reference_std: number;
  wasserstein_normed: number;
  bin_edges: number[] | null;
  reference_percents: number[];
  current_percents: number[];
  jensenshannon: number;
  jensenshannon_base2: number;
  psi_reference_percents: number[];
  psi_current_percents: number[];
  psi: number;
}
interface CategoricalCase {
  name: string;
  reference: string[];
  current: string[];
  keys: string[];
  f_obs: number[];
  f_exp: number[];
  chi2_statistic: Figure;
  chi2_pvalue: Figure;
  z_statistic?: Figure | null;
  z_pvalue?: Figure;
  reference_percents: number[];
  current_percents: number[];
  jensenshannon: number;
  psi: number;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/drift.json'), 'utf8')) as {
  numeric: NumericCase[];
  categorical: CategoricalCase[];
  gammaincc: { a: number; x: number; gammaincc: number; gammainc: number }[];
  kstwo_sf: { n: number; x: number; sf: number }[];
  ndtr: { x: number; ndtr: number }[];
};

const TOL = 1e-9;

function figure(value: Figure): number {
  return value === 'inf' ? Infinity : value === 'nan' ? Number.NaN : value;
}

/** Agreement to 1e-9, relative for magnitudes above 1 or tiny p-values, absolute otherwise. */
function close(actual: number, expected: Figure, what: string, relative = false): void {
  const e = figure(expected);
  if (actual === e || (Number.isNaN(actual) && Number.isNaN(e))) return;
  const scale = relative && e !== 0 ? Math.abs(e) : Math.max(1, Math.abs(e));
  assert.ok(Math.abs(actual - e) <= TOL * scale, `${what}: ${actual} vs scipy ${e}`);
}

test('ks_2samp: statistic and p-value (auto: exact up to 10000 values, else asymptotic) match scipy', () => {
  for (const c of fixture.numeric) {
    const result = ksTwoSample(c.reference, c.current);
    assert.equal(result.method, c.ks_mode, c.name);
    assert.equal(result.statistic, c.ks_statistic, `${c.name} statistic`);
    close(result.pValue, c.ks_pvalue, `${c.name} p-value`, true);
    // The test is symmetric in its samples.
    close(ksTwoSample(c.current, c.reference).pValue, c.ks_pvalue, `${c.name} swapped`, true);
  }
});

test("ks_2samp method 'asymp' matches scipy on every pair", () => {
  for (const c of fixture.numeric) {
    const result = ksTwoSample(c.reference, c.current, 'asymp');
    assert.equal(result.method, 'asymp');
    close(result.statistic, c.ks_asymp_statistic, `${c.name} statistic`);
    close(result.pValue, c.ks_asymp_pvalue, `${c.name} asymptotic p-value`, true);
  }
});

test('kstwo.sf matches scipy over its regimes (Ruben–Gambino, Durbin, Pomeranz, Smirnov, Pelz–Good)', () => {
  for (const g of fixture.kstwo_sf) close(kolmogorovSf(g.n, g.x), g.sf, `kstwo.sf(${g.x}, ${g.n})`, g.sf > 1e-300);
});

test('ks_2samp rejects empty and non-finite samples', () => {
  assert.throws(() => ksTwoSample([], [1, 2]), /at least one value/);
  assert.throws(() => ksTwoSample([1, Number.NaN], [1, 2]), /non-finite/);
});

test('regularized incomplete gamma and the normal CDF match scipy.special', () => {
  for (const g of fixture.gammaincc) {
    close(gammaIncUpper(g.a, g.x), g.gammaincc, `gammaincc(${g.a}, ${g.x})`, g.gammaincc > 1e-300);
    close(gammaIncLower(g.a, g.x), g.gammainc, `gammainc(${g.a}, ${g.x})`, g.gammainc > 1e-300);
  }
  for (const g of fixture.ndtr) close(normalCdf(g.x), g.ndtr, `ndtr(${g.x})`, g.ndtr > 1e-300);
});

test('wasserstein_distance and the normed distance match scipy / numpy', () => {
  for (const c of fixture.numeric) {
    close(wassersteinDistance(c.reference, c.current), c.wasserstein, `${c.name} W1`);
    close(populationStd(c.reference), c.reference_std, `${c.name} std`);
    close(wassersteinNormed(c.reference, c.current), c.wasserstein_normed, `${c.name} normed`, true);
  }
});

test("Evidently's binning: sturges edges and shares are numpy's exactly", () => {
  for (const c of fixture.numeric) {
    const shares = binnedShares(c.reference, c.current, true, false);
    if (c.bin_edges) {
      assert.deepEqual(Array.from(shares.edges ?? []), c.bin_edges, `${c.name} edges`);
      assert.deepEqual(Array.from(sturgesBinEdges([...c.reference, ...c.current])), c.bin_edges);
    } else {
      assert.equal(shares.edges, undefined, `${c.name}: binned by value`);
    }
    assert.deepEqual(Array.from(shares.reference), c.reference_percents, `${c.name} reference shares`);
    assert.deepEqual(Array.from(shares.current), c.current_percents, `${c.name} current shares`);
    const floored = binnedShares(c.reference, c.current, true, true);
    assert.deepEqual(Array.from(floored.reference), c.psi_reference_percents, `${c.name} floored shares`);
    assert.deepEqual(Array.from(floored.current), c.psi_current_percents, `${c.name} floored shares`);
  }
});

test('histogram: half-open bins, last bin closed, outside values ignored', () => {
  const edges = Float64Array.from([0, 1, 2, 3]);
  assert.deepEqual(Array.from(histogramCounts([-1, 0, 0.5, 1, 2.999, 3, 4], edges)), [2, 1, 2]);
  // A constant sample gets one bin of width 1 around its value, as numpy does.
  assert.deepEqual(Array.from(sturgesBinEdges([5, 5, 5])), [4.5, 5.5]);
});

test('Jensen–Shannon distance and PSI match scipy on numeric pairs', () => {
  for (const c of fixture.numeric) {
    close(jensenShannonDrift(c.reference, c.current, true), c.jensenshannon, `${c.name} JS`);
    close(jensenShannonDistance(c.reference_percents, c.current_percents, 2), c.jensenshannon_base2, `${c.name} JS base 2`);
    close(psiDrift(c.reference, c.current, true), c.psi, `${c.name} PSI`);
  }
  assert.equal(jensenShannonDistance([1, 2, 3], [2, 4, 6]), 0);
  assert.ok(Math.abs(jensenShannonDistance([1, 0], [0, 1]) - Math.sqrt(Math.LN2)) < 1e-15);
});

test("Evidently's chi-squared, z-test, Jensen–Shannon and PSI match scipy on categorical pairs", () => {
  for (const c of fixture.categorical) {
    const chi = chiSquareDrift(c.reference, c.current);
    assert.deepEqual(chi.keys, c.keys, c.name);
    close(chi.statistic, c.chi2_statistic, `${c.name} chi2`, true);
    close(chi.pValue, c.chi2_pvalue, `${c.name} chi2 p`, figure(c.chi2_pvalue) > 1e-300);
    close(chiSquare(c.f_obs, c.f_exp).pValue, c.chi2_pvalue, `${c.name} chisquare`, figure(c.chi2_pvalue) > 1e-300);
    if (c.z_pvalue !== undefined) {
      const z = proportionsZTest(c.reference, c.current);
      close(z.pValue, c.z_pvalue, `${c.name} z p`, true);
      if (c.z_statistic !== null && c.z_statistic !== undefined) close(z.statistic, c.z_statistic, `${c.name} z`);
    }
    close(jensenShannonDrift(c.reference, c.current, false), c.jensenshannon, `${c.name} JS`);
    close(psiDrift(c.reference, c.current, false), c.psi, `${c.name} PSI`);
  }
});

test('a category never seen in the reference makes chi-squared infinite and its p-value 0', () => {
  const chi = chiSquareDrift(['a', 'a', 'b', 'c'], ['a', 'd', 'b', 'c']);
  assert.equal(chi.statistic, Infinity);
  assert.equal(chi.pValue, 0);
});
