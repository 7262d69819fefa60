/**
 * The boosting loop of histogram gradient boosting, as scikit-learn's BaseHistGradientBoosting.fit:
 * optional early-stopping split, binning of the training rows, a baseline raw prediction, then per
 * iteration the gradients of the loss and one tree per output (one per class for multiclass log
 * loss) fitted to them. Each iteration reports its training loss (and validation loss when early
 * stopping holds rows out) as a `train` progress event: the dashboard's loss curve.
 */
import { Random } from '../../random';
import { MlError, throwIfAborted, type DenseMatrix, type FitOptions } from '../../types';
import { binColumns, binRows, fitBins, fitBinsColumns, type Bins } from './binning';
import { TreeGrower } from './grower';
import { launchTeam, sharedBytes, sharedFloat32, type TeamLaunch } from './team';
import { sharedFitJobsFor } from '../../parallel/jobs';
import { lossFor } from './losses';
import { addTreeOutputBinned, type BoostedTree } from './tree';

/** What the loop reads of the model's parameters (already checked). */
export interface BoostingSettings {
  readonly learning_rate: number;
  readonly max_iter: number;
  readonly max_leaf_nodes: number | null;
  readonly max_depth: number | null;
  readonly min_samples_leaf: number;
  readonly l2_regularization: number;
  readonly max_bins: number;
  readonly early_stopping: 'auto' | boolean;
  readonly validation_fraction: number | null;
  readonly n_iter_no_change: number;
  readonly tol: number;
  readonly scoring: 'loss' | 'accuracy' | 'r2';
  /** Threads for histogram building (scikit-learn's n_jobs; null: the cores less one, but two where there are two: sharedFitJobsFor). */
  readonly n_jobs: number | null;
}

/** A fitted ensemble: raw(x) = baseline + Σ trees; trees[it * outputs + k] is iteration it's tree of output k. */
export interface BoostingFit {
  readonly outputs: number;
  readonly baseline: Float64Array;
  readonly trees: BoostedTree[];
  readonly iterations: number;
  /** Gain of each feature's splits over all trees, normalised to sum 1 (zeros when no tree split). */
  readonly importances: Float64Array;
  readonly trainLoss: number[];
  readonly validationLoss: number[];
}

/** Above this many rows, early_stopping 'auto' turns early stopping on (sklearn's rule). */
export const AUTO_EARLY_STOPPING_ROWS = 10_000;

function takeRows(X: DenseMatrix, rows: Int32Array): DenseMatrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { kind: 'dense', rows: rows.length, cols: X.cols, data };
}

/** Rows held out for early stopping: `fraction` of each class (classification) or of all rows, drawn with rng. */
function validationSplit(y: Float64Array, classes: number | undefined, fraction: number, rng: Random): { train: Int32Array; validation: Int32Array } {
  const n = y.length;
  const groups: number[][] = classes === undefined ? [Array.from({ length: n }, (_, i) => i)] : Array.from({ length: classes }, () => []);
  if (classes !== undefined) for (let i = 0; i < n; i++) (groups[y[i] as number] as number[]).push(i);
  const train: number[] = [];
  const validation: number[] = [];
  for (const group of groups) {
    rng.shuffle(group);
    const held = Math.round(group.length * fraction);
    // One push per row: spreading a group of millions of rows overflows the call stack.
    for (let k = 0; k < group.length; k++) (k < held ? validation : train).push(group[k] as number);
  }
  if (validation.length === 0 || train.length === 0) {
    throw new MlError(`gradient_boosting: early stopping with validation_fraction ${fraction} of ${n} rows leaves no validation or no training rows`);
  }
  return { train: Int32Array.from(train).sort(), validation: Int32Array.from(validation).sort() };
}

function pick(values: Float64Array | undefined, rows: Int32Array): Float64Array | undefined {
  return values ? Float64Array.from(rows, (r) => values[r] as number) : undefined;
}

/** sklearn's score for early stopping (higher is better): −loss, accuracy or R² of the raw predictions. */
function scoreOf(scoring: BoostingSettings['scoring'], loss: number, y: Float64Array, raw: Float64Array, outputs: number): number {
  if (scoring === 'loss') return -loss;
  const n = y.length;
  if (scoring === 'accuracy') {
    let right = 0;
    for (let i = 0; i < n; i++) {
      let label = 0;
      if (outputs === 1) label = (raw[i] as number) > 0 ? 1 : 0;
      else for (let k = 1; k < outputs; k++) if ((raw[i * outputs + k] as number) > (raw[i * outputs + label] as number)) label = k;
      if (label === y[i]) right++;
    }
    return right / n;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] as number;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += ((y[i] as number) - (raw[i] as number)) ** 2;
    total += ((y[i] as number) - mean) ** 2;
  }
  return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
}

/** sklearn's _should_stop: no score of the last n_iter_no_change beats the one before them by more than tol. */
function shouldStop(scores: readonly number[], patience: number, tol: number): boolean {
  if (scores.length < patience + 1) return false;
  const reference = (scores[scores.length - patience - 1] as number) + tol;
  return !scores.slice(scores.length - patience).some((score) => score > reference);
}

/**
 * Fits the ensemble on X (NaN is a missing value) and y: class codes 0 … classes−1 for
 * classification, values for regression (classes undefined); `weights` are per-row sample weights.
 */
export async function fitBoosting(
  X: DenseMatrix,
  y: Float64Array,
  classes: number | undefined,
  weights: Float64Array | undefined,
  settings: BoostingSettings,
  options: FitOptions,
): Promise<BoostingFit> {
  const rng = new Random(options.seed);
  const earlyStopping = settings.early_stopping === 'auto' ? X.rows > AUTO_EARLY_STOPPING_ROWS : settings.early_stopping;
  let trainRows: Int32Array | undefined;
  let validationRows: Int32Array | undefined;
  if (earlyStopping && settings.validation_fraction !== null) {
    ({ train: trainRows, validation: validationRows } = validationSplit(y, classes, settings.validation_fraction, rng.fork()));
  }
  const Xtrain = trainRows ? takeRows(X, trainRows) : X;
  const yTrain = trainRows ? (pick(y, trainRows) as Float64Array) : y;
  const wTrain = trainRows ? pick(weights, trainRows) : weights;
  const Xval = validationRows ? takeRows(X, validationRows) : undefined;
  const yVal = validationRows ? (pick(y, validationRows) as Float64Array) : undefined;
  const wVal = validationRows ? pick(weights, validationRows) : undefined;

  return withLaunch(settings, yTrain.length, X.cols, (launch) => {
    const bins = fitBins(Xtrain, settings.max_bins, rng.fork());
    const validation = Xval && yVal ? { binned: binRows(Xval, bins), y: yVal, weights: wVal } : undefined;
    const binned = binRows(Xtrain, bins);
    return boostBinned({ bins, cols: X.cols, binned, y: yTrain, weights: wTrain, validation }, classes, settings, earlyStopping, options, launch);
  });
}

/**
 * Runs `fit` with the histogram team's workers started first (n_jobs > 1), so they load while the rows are binned;
 * they are stopped if the fit fails before its grower takes them over.
 */
async function withLaunch(
  settings: BoostingSettings,
  rows: number,
  cols: number,
  fit: (launch: TeamLaunch | undefined) => Promise<BoostingFit>,
): Promise<BoostingFit> {
  const jobs = sharedFitJobsFor(settings.n_jobs, rows * cols, 'gradient_boosting: n_jobs');
  const launch = jobs > 1 ? launchTeam(jobs, cols) : undefined;
  try {
    return await fit(launch);
  } catch (error) {
    await launch?.close().catch(() => undefined);
    throw error;
  }
}

/**
 * fitBoosting on feature columns (NaN is a missing value): the early-stopping split, the bins and the binned rows are
 * taken from the columns through row indices, so no matrix of values (nor of its training and held-out rows) is
 * made; the fit is the one fitBoosting makes on the same rows as a matrix. With `rows`, the fit is on those rows of the
 * columns, in that order (y and weights are theirs): the fit on a copy of them, with no copy made (a fold's training rows).
 */
export async function fitBoostingColumns(
  columns: readonly Float64Array[],
  y: Float64Array,
  classes: number | undefined,
  weights: Float64Array | undefined,
  settings: BoostingSettings,
  options: FitOptions,
  rows?: Int32Array,
): Promise<BoostingFit> {
  if (rows && rows.length !== y.length) throw new MlError(`gradient_boosting: ${rows.length} rows to fit on but ${y.length} target values`);
  const rng = new Random(options.seed);
  const earlyStopping = settings.early_stopping === 'auto' ? y.length > AUTO_EARLY_STOPPING_ROWS : settings.early_stopping;
  let trainRows: Int32Array | undefined;
  let validationRows: Int32Array | undefined;
  if (earlyStopping && settings.validation_fraction !== null) {
    ({ train: trainRows, validation: validationRows } = validationSplit(y, classes, settings.validation_fraction, rng.fork()));
  }
  const yTrain = trainRows ? (pick(y, trainRows) as Float64Array) : y;
  const wTrain = trainRows ? pick(weights, trainRows) : weights;
  const yVal = validationRows ? (pick(y, validationRows) as Float64Array) : undefined;
  const wVal = validationRows ? pick(weights, validationRows) : undefined;
  // The split is drawn over the fitted rows: its k-th row is the columns' row rows[k].
  const throughRows = (picked: Int32Array): Int32Array => (rows ? picked.map((k) => rows[k] as number) : picked);
  const trainColumnRows = trainRows ? throughRows(trainRows) : rows;
  const validationColumnRows = validationRows && throughRows(validationRows);
  return withLaunch(settings, yTrain.length, columns.length, (launch) => {
    const bins = fitBinsColumns(columns, trainColumnRows, settings.max_bins, rng.fork());
    const validation = validationColumnRows && yVal ? { binned: binColumns(columns, validationColumnRows, bins), y: yVal, weights: wVal } : undefined;
    const binned = binColumns(columns, trainColumnRows, bins);
    return boostBinned({ bins, cols: columns.length, binned, y: yTrain, weights: wTrain, validation }, classes, settings, earlyStopping, options, launch);
  });
}

/** Binned rows ready for boosting: the training rows and, for early stopping, the held-out ones. */
export interface BinnedTraining {
  readonly bins: Bins;
  readonly cols: number;
  /** The training rows' bins, row-major (binned[i * cols + f]); a SharedArrayBuffer saves a copy when n_jobs > 1. */
  readonly binned: Uint8Array;
  readonly y: Float64Array;
  readonly weights: Float64Array | undefined;
  /** Held-out rows scored after each iteration (early stopping on them when `earlyStopping`). */
  readonly validation: { readonly binned: Uint8Array; readonly y: Float64Array; readonly weights: Float64Array | undefined } | undefined;
}

/**
 * The boosting iterations on rows already binned: baseline, then per iteration gradients and one tree
 * per output, stopping early when `earlyStopping` and the monitored score stops improving. What
 * fitBoosting runs after binning, and what the streamed fit runs on rows binned while streaming.
 */
export async function boostBinned(
  data: BinnedTraining,
  classes: number | undefined,
  settings: BoostingSettings,
  earlyStopping: boolean,
  options: FitOptions,
  /** The team's workers, started ahead by launchTeam(jobs, cols) for this fit's jobs (closed here in every case). */
  launch?: TeamLaunch,
): Promise<BoostingFit> {
  const { bins, binned, cols, y: yTrain, weights: wTrain } = data;
  const yVal = data.validation?.y;
  const wVal = data.validation?.weights;
  const binnedVal = data.validation?.binned;
  const n = yTrain.length;
  const hasMissing = new Uint8Array(cols);
  for (let at = 0; at < binned.length; at += cols) for (let f = 0; f < cols; f++) if (binned[at + f] === bins.missingBin) hasMissing[f] = 1;

  const loss = lossFor(classes, wTrain !== undefined);
  const K = loss.trees;
  const baseline = loss.baseline(yTrain, wTrain);
  const jobs = sharedFitJobsFor(settings.n_jobs, n * cols, 'gradient_boosting: n_jobs');
  if (launch && jobs <= 1) await launch.close();
  // With n_jobs > 1 every thread reads the rows and raw predictions for the loss and gradients (shared memory).
  const shared = <T extends Float64Array | undefined>(values: T): T => {
    if (jobs === 1 || values === undefined) return values;
    const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
    copy.set(values);
    return copy as T;
  };
  const raw = shared(new Float64Array(n * K));
  for (let i = 0; i < n; i++) raw.set(baseline, i * K);
  const ySharedTrain = shared(yTrain);
  const wSharedTrain = shared(wTrain);
  const rawVal = yVal ? shared(new Float64Array(yVal.length * K)) : undefined;
  if (rawVal && yVal) for (let i = 0; i < yVal.length; i++) rawVal.set(baseline, i * K);
  // With n_jobs > 1 the early-stopping rows are scored on every thread too.
  const validationRows =
    jobs > 1 && binnedVal && yVal && rawVal
      ? {
          binned: sharedBytes(binnedVal),
          cols,
          missingBin: bins.missingBin,
          y: shared(yVal),
          weights: shared(wVal),
          raw: rawVal,
          terms: shared(new Float64Array(yVal.length)),
        }
      : undefined;
  // The histogram workers read the gradients from shared memory.
  const g = jobs > 1 ? sharedFloat32(n * K) : new Float32Array(n * K);
  const h = jobs > 1 ? sharedFloat32(n * K) : new Float32Array(n * K);
  const grower = new TreeGrower({
    rows: n,
    features: cols,
    data: { rows: n, features: cols, nBins: settings.max_bins + 1, bins: binned },
    nBins: settings.max_bins + 1,
    missingBin: bins.missingBin,
    nBinsNonMissing: bins.nBinsNonMissing,
    hasMissing,
    maxLeafNodes: settings.max_leaf_nodes,
    maxDepth: settings.max_depth,
    minSamplesLeaf: settings.min_samples_leaf,
    l2: settings.l2_regularization,
    shrinkage: settings.learning_rate,
    thresholds: bins.thresholds,
    jobs,
    outputs: K,
    ...(validationRows ? { validation: validationRows } : {}),
    ...(jobs > 1 && launch ? { launch } : {}),
    ...(jobs > 1
      ? { rowsLoss: { classes, weighted: wTrain !== undefined, y: ySharedTrain, raw, weights: wSharedTrain, terms: shared(new Float64Array(n)) } }
      : {}),
  });
  try {
    return await iterate();
  } finally {
    await grower.close();
  }

  async function iterate(): Promise<BoostingFit> {
    const trees: BoostedTree[] = [];
    const trainLoss: number[] = [];
    const validationLoss: number[] = [];
    const scores: number[] = [];
    const monitored = (): number => {
      if (yVal && rawVal) return scoreOf(settings.scoring, validationLoss[validationLoss.length - 1] as number, yVal, rawVal, K);
      return scoreOf(settings.scoring, trainLoss[trainLoss.length - 1] as number, yTrain, raw, K);
    };
    // The gradients of the next iteration come with the training loss of the last (one pass over the rows).
    let gradientsReady = false;
    // sklearn scores the baseline too (iteration 0), so early stopping can stop after n_iter_no_change trees.
    // scored: the validation loss when the team scored the early-stopping rows.
    const record = (scored?: number): void => {
      trainLoss.push(grower.lossAndGradients(loss, ySharedTrain, raw, wSharedTrain, g, h));
      gradientsReady = true;
      if (yVal && rawVal) validationLoss.push(scored ?? loss.loss(yVal, rawVal, wVal));
    };
    record();
    if (earlyStopping) scores.push(monitored());
    let iterations = 0;
    for (let it = 0; it < settings.max_iter; it++) {
      throwIfAborted(options.signal);
      if (!gradientsReady) loss.gradients(yTrain, raw, wTrain, g, h);
      gradientsReady = false;
      const grown = grower.growIteration(g, h, loss.constantHessian, raw, K);
      trees.push(...grown);
      const scored = binnedVal && rawVal ? grower.scoreValidation(grown) : undefined;
      if (scored === undefined && binnedVal && rawVal) grown.forEach((tree, k) => addTreeOutputBinned(tree, binnedVal, cols, bins.missingBin, rawVal, K, k));
      iterations++;
      record(scored);
      const val = validationLoss[validationLoss.length - 1];
      options.onProgress?.({
        stage: 'train',
        step: it + 1,
        of: settings.max_iter,
        loss: trainLoss[trainLoss.length - 1] as number,
        ...(rawVal ? { metrics: { val_loss: val as number } } : {}),
      });
      if (earlyStopping) {
        scores.push(monitored());
        if (shouldStop(scores, settings.n_iter_no_change, settings.tol)) break;
      }
      // Let an abort from a timer or a message land between iterations.
      if (options.signal) await new Promise((resolve) => setImmediate(resolve));
    }
    const total = grower.importances.reduce((a, b) => a + b, 0);
    const importances = total > 0 ? grower.importances.map((v) => v / total) : new Float64Array(cols);
    return { outputs: K, baseline, trees, iterations, importances, trainLoss: trainLoss.slice(1), validationLoss: validationLoss.slice(1) };
  }
}
