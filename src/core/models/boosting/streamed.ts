/**
 * gradient_boosting on a table read in batches (training beyond memory), as LightGBM does for large data: the
 * raw rows never sit in memory, their bins do. Three reads of the file in all:
 *
 * 1. and 2. the bin thresholds, computed by DuckDB on the rows scikit-learn's _BinMapper would read (the training
 *    rows less the early-stopping rows): per feature the count of values and of distinct values, then either the
 *    sorted distinct values (at most max_bins) or the percentiles. On small tables these are the exact order
 *    statistics numpy's midpoint percentiles read, so the thresholds are the in-memory fit's on the same rows, by
 *    the same code (binning.ts); on large ones DuckDB's approx_quantile sketch (t-digest) over every binning row.
 * 3. one pass that bins every training row into a Uint8Array (1 byte a cell: 6,000,000 × 20 is 120 MB) and keeps its
 *    target. The boosting iterations then run on those bins exactly as the in-memory fit does (boost.ts's
 *    boostBinned): histograms from the binned rows, gradients and hessians as float32 per row.
 *
 * Early-stopping rows are chosen by a seeded hash of the row number (not stratified), so every read agrees.
 */
import { sharedFitJobsFor } from '../../parallel/jobs';
import { featureColumn, rowUnit, rowUnitSql, STREAM_COLUMNS, type StreamLearnerFactory, type StreamSource } from '../../stream/source';
import { MlError, throwIfAborted, type FitOptions, type Task } from '../../types';
import { classWeightsOf, sampleWeightsOf } from '../classWeight';
import {
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  resolveGradientBoostingParams,
  type GradientBoostingOptions,
  type GradientBoostingParams,
} from '../gradientBoosting';
import type { Model } from '../spec';
import { BINNING_SUBSAMPLE, BinLookup, distinctThresholds, percentileRanks, percentileThresholds, type Bins } from './binning';
import { AUTO_EARLY_STOPPING_ROWS, boostBinned } from './boost';

const TYPE = 'gradient_boosting';

/** Row-hash seeds of the early-stopping rows and of the binning subsample, derived from the fit's seed (each its own stream). */
export function validationSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) | 0;
}

function subsampleSeed(seed: number): number {
  return (seed ^ 0x27d4eb2f) | 0;
}

/** True when row `row` is an early-stopping row of a fit with this seed. */
export function isValidationRow(row: number, seed: number, fraction: number): boolean {
  return rowUnit(row, validationSeed(seed)) < fraction;
}

/** What a streamed fit decided about its rows. */
export interface RowPlan {
  readonly earlyStopping: boolean;
  /** Share of the training rows held out for early stopping (0: none). */
  readonly validationFraction: number;
}

function rowPlan(params: GradientBoostingParams, trainRows: number): RowPlan {
  const earlyStopping = params.early_stopping === 'auto' ? trainRows > AUTO_EARLY_STOPPING_ROWS : params.early_stopping;
  return { earlyStopping, validationFraction: earlyStopping && params.validation_fraction !== null ? params.validation_fraction : 0 };
}

/** A finite number from a query result cell (DuckDB gives counts as numbers, doubles as numbers). */
function numberCell(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new MlError(`${TYPE}: DuckDB returned ${JSON.stringify(value)} for ${what}`);
  return n;
}

function listCell(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new MlError(`${TYPE}: DuckDB returned ${JSON.stringify(value)} for ${what}`);
  return value.map((v) => numberCell(v, what));
}

/**
 * Above this many values (binning rows × features) the thresholds come from DuckDB's streaming sketches
 * (approx_quantile, approx_count_distinct: a few KB a feature) instead of exact order statistics, whose sorted lists
 * cannot spill to disk: 200,000 rows × 20 features needed over 128 MB of DuckDB memory, 1,000,000 values about 25 MB.
 */
export const EXACT_BINNING_VALUES = 1_000_000;

/** The rows _BinMapper reads, as SQL conditions: the training rows less the early-stopping rows (and, when `subsample`, a hash subsample of about BINNING_SUBSAMPLE). */
function binningConditions(source: StreamSource, plan: RowPlan, seed: number, subsample: boolean): string[] {
  const row = STREAM_COLUMNS.row;
  const conditions: string[] = [];
  if (plan.validationFraction > 0) conditions.push(`${rowUnitSql(row, validationSeed(seed))} >= ${plan.validationFraction}`);
  const binRowsEstimate = source.rowCounts.train * (1 - plan.validationFraction);
  if (subsample && binRowsEstimate > BINNING_SUBSAMPLE) conditions.push(`${rowUnitSql(row, subsampleSeed(seed))} < ${BINNING_SUBSAMPLE / binRowsEstimate}`);
  return conditions;
}

/**
 * The bins of every feature, computed by DuckDB in two queries over the rows _BinMapper reads (the training rows
 * less the early-stopping rows). Few rows (up to EXACT_BINNING_VALUES values; a hash subsample of BINNING_SUBSAMPLE
 * rows as sklearn's): exactly _BinMapper's thresholds, from the count and distinct count of each feature, then its
 * sorted distinct values or the sorted values at the ranks numpy's midpoint percentiles read. More rows: every
 * binning row through sketches, the sorted distinct values of features with few, else approx_quantile (t-digest)
 * at the same percentiles.
 */
export async function streamBins(
  source: StreamSource,
  maxBins: number,
  plan: RowPlan,
  seed: number,
  signal?: AbortSignal,
  exactValues = EXACT_BINNING_VALUES,
): Promise<Bins> {
  const cols = source.featureNames.length;
  const exact = Math.min(source.rowCounts.train, BINNING_SUBSAMPLE) * cols <= exactValues;
  const conditions = binningConditions(source, plan, seed, exact);
  const keep = (where: string): string => [where, ...conditions].map((c) => `(${c})`).join(' AND ');
  const value = (j: number): string => `(${featureColumn(j)})::DOUBLE`;
  const present = (j: number): string => `FILTER (WHERE ${value(j)} IS NOT NULL AND NOT isnan(${value(j)}))`;
  const features = Array.from({ length: cols }, (_, j) => j);
  const query = (select: readonly string[]): Promise<unknown[][]> =>
    source.query((relation, where) => `SELECT ${select.join(', ')} FROM ${relation} WHERE ${keep(where)}`, { rows: 'train', ...(signal ? { signal } : {}) });

  const distinctCount = exact ? 'count(DISTINCT' : 'approx_count_distinct(';
  const counts = (await query(features.map((j) => `count(${value(j)}) ${present(j)}, ${distinctCount} ${value(j)}) ${present(j)}`)))[0] ?? [];
  const sizes = features.map((j) => numberCell(counts[2 * j], `the count of ${source.featureNames[j]}`));
  const distinct = features.map((j) => numberCell(counts[2 * j + 1], `the distinct count of ${source.featureNames[j]}`));
  throwIfAborted(signal);

  // An approximate distinct count is within a few per cent: below twice max_bins the exact distinct values are few enough to list.
  const listDistinct = features.map((j) => (distinct[j] as number) <= (exact ? maxBins : 2 * maxBins));
  const ranks = features.map((j) => (exact && !listDistinct[j] ? percentileRanks(sizes[j] as number, maxBins) : []));
  // approx_quantile takes its fractions as FLOAT (a DOUBLE[] literal does not bind).
  const percentiles = Array.from({ length: maxBins - 1 }, (_, i) => `${(i + 1) / maxBins}::FLOAT`).join(', ');
  const selects = features.flatMap((j) => {
    if (sizes[j] === 0) return ['NULL', 'NULL'];
    const sorted = listDistinct[j] ? `list(DISTINCT ${value(j)} ORDER BY ${value(j)}) ${present(j)}` : 'NULL';
    // Exact: the sorted values at the ranks (1-based in SQL). quantile_disc at (rank + ½) / m gives the same values
    // but costs a selection per quantile (~7× slower for 508 ranks).
    if (exact)
      return [
        sorted,
        listDistinct[j] ? 'NULL' : `list_select(list_sort(list(${value(j)}) ${present(j)}), [${(ranks[j] as number[]).map((r) => r + 1).join(', ')}])`,
      ];
    return [sorted, `approx_quantile(${value(j)}, [${percentiles}]) ${present(j)}`];
  });
  const cells = (await query(selects))[0] ?? [];
  const thresholds = features.map((j) => {
    const m = sizes[j] as number;
    if (m === 0) return new Float64Array(0);
    const what = `the bins of ${source.featureNames[j]}`;
    const values = listDistinct[j] ? listCell(cells[2 * j], what) : undefined;
    if (values && values.length <= maxBins) return distinctThresholds(values);
    const picked = listCell(cells[2 * j + 1], what);
    if (!exact) return sketchThresholds(picked);
    const at = new Map((ranks[j] as number[]).map((r, k) => [r, picked[k] as number]));
    return percentileThresholds((rank) => at.get(rank) as number, m, maxBins);
  });
  return { thresholds, nBinsNonMissing: Int32Array.from(thresholds, (t) => t.length + 1), missingBin: maxBins };
}

/** Thresholds from approx_quantile's estimates at the max_bins − 1 percentiles (non-decreasing; clipped as _BinMapper's). */
function sketchThresholds(estimates: readonly number[]): Float64Array {
  const thresholds = Float64Array.from(estimates, (v) => Math.min(v, 1e300));
  for (let k = 1; k < thresholds.length; k++) if ((thresholds[k] as number) < (thresholds[k - 1] as number)) thresholds[k] = thresholds[k - 1] as number;
  return thresholds;
}

/** The training rows binned in one pass: training rows first, early-stopping rows after them, each in file order. */
interface BinnedStream {
  readonly binned: Uint8Array;
  readonly y: Float64Array;
  /** Rows before the early-stopping rows. */
  readonly train: number;
}

async function binStream(source: StreamSource, bins: Bins, plan: RowPlan, seed: number, shared: boolean, signal?: AbortSignal): Promise<BinnedStream> {
  const cols = source.featureNames.length;
  const total = source.rowCounts.train;
  const binned = shared ? new Uint8Array(new SharedArrayBuffer(total * cols)) : new Uint8Array(total * cols);
  const y = new Float64Array(total);
  let front = 0;
  let back = total;
  const lookup = new BinLookup(bins);
  await source.pass(
    (batch) => {
      const { data } = batch.x;
      for (let i = 0; i < batch.rows; i++) {
        if (front === back) throw new MlError(`${TYPE}: the stream gave more than the ${total} training rows it announced`);
        // Early-stopping rows fill the arrays from the end, so neither part needs its size in advance.
        const at = plan.validationFraction > 0 && isValidationRow(batch.rowNumbers[i] as number, seed, plan.validationFraction) ? --back : front++;
        y[at] = batch.y[i] as number;
        for (let f = 0, cell = i * cols, out = at * cols; f < cols; f++, cell++, out++) {
          const v = data[cell] as number;
          binned[out] = v !== v ? bins.missingBin : lookup.bin(v, f);
        }
      }
    },
    { rows: 'train', label: 'binning', ...(signal ? { signal } : {}) },
  );
  if (front !== back) throw new MlError(`${TYPE}: the stream announced ${total} training rows but gave ${front + total - back}`);
  // The early-stopping rows were written last-first: put them back in file order.
  reverseRows(binned, cols, front, total);
  y.subarray(front).reverse();
  return { binned, y, train: front };
}

function reverseRows(binned: Uint8Array, cols: number, from: number, to: number): void {
  const swap = new Uint8Array(cols);
  for (let a = from, b = to - 1; a < b; a++, b--) {
    swap.set(binned.subarray(a * cols, (a + 1) * cols));
    binned.copyWithin(a * cols, b * cols, (b + 1) * cols);
    binned.set(swap, b * cols);
  }
}

/** Fits gradient boosting on a StreamSource's training rows; the model is the in-memory fit's class. */
export async function fitGradientBoostingStreamed(source: StreamSource, params: Readonly<Record<string, unknown>>, options: FitOptions): Promise<Model> {
  const task: Task = source.task;
  const resolved = resolveGradientBoostingParams(params, task);
  // Memory first: left out, n_jobs is one thread here (the team's shared copies of the targets, scores and loss terms
  // and each worker's heap would count against the run's budget).
  const settings = { ...resolved, n_jobs: resolved.n_jobs ?? 1 };
  const cols = source.featureNames.length;
  if (cols === 0) throw new MlError(`${TYPE}: the training data has no feature columns`);
  const total = source.rowCounts.train;
  if (total === 0) throw new MlError(`${TYPE}: the training data has no rows`);
  const classes = task === 'classification' ? source.classes : undefined;
  if (classes && classes.length < 2) throw new MlError(`${TYPE}: the target has a single class ('${classes[0] ?? ''}'); a classifier needs at least two`);

  const plan = rowPlan(settings, total);
  const bins = await streamBins(source, settings.max_bins, plan, options.seed, options.signal);
  const shared = sharedFitJobsFor(settings.n_jobs, total * cols, `${TYPE}: n_jobs`) > 1;
  const { binned, y, train } = await binStream(source, bins, plan, options.seed, shared, options.signal);
  if (!classes) {
    for (let i = 0; i < y.length; i++)
      if (!Number.isFinite(y[i] as number)) throw new MlError(`${TYPE}: the target holds ${y[i]} (regression needs finite numbers)`);
  }
  if (plan.validationFraction > 0 && (train === 0 || train === total)) {
    throw new MlError(`${TYPE}: early stopping with validation_fraction ${plan.validationFraction} of ${total} rows leaves no validation or no training rows`);
  }
  const weights = classes ? sampleWeightsOf(classWeightsOf(settings.class_weight, classes, y), y) : undefined;
  const fit = await boostBinned(
    {
      bins,
      cols,
      binned: binned.subarray(0, train * cols),
      y: y.subarray(0, train),
      weights: weights?.subarray(0, train),
      validation: train < total ? { binned: binned.subarray(train * cols), y: y.subarray(train), weights: weights?.subarray(train) } : undefined,
    },
    classes?.length,
    settings,
    plan.earlyStopping,
    options,
  );
  const modelOptions = params as GradientBoostingOptions;
  return classes ? GradientBoostingClassifier.fitted(modelOptions, fit, cols, classes) : GradientBoostingRegressor.fitted(modelOptions, fit, cols);
}

/** The StreamLearnerFactory of `gradient_boosting`. */
export const gradientBoostingStreamLearner: StreamLearnerFactory = (params, task) => {
  // Check the parameters before any file is read.
  resolveGradientBoostingParams(params, task);
  return { fit: (source, options) => fitGradientBoostingStreamed(source, params, options) };
};
