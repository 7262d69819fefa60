/**
 * mlp on a table read in batches (training beyond memory): each epoch is one pass over the training rows. The
 * rows of consecutive batches gather in a shuffle buffer; when it is full its rows are put in an order drawn with
 * the fit's generator and cut into mini-batches of batch_size for Adam (as the in-memory fit does with the whole
 * training set; a buffer holding every training row gives exactly the in-memory fit). Regression standardises its
 * target with the training rows' mean and standard deviation, read in a first pass. Early-stopping rows are chosen
 * by a seeded hash of the row number and kept in memory (validation_fraction of the rows), scored after each epoch.
 */
import { isValidationRow } from '../models/boosting/streamed';
import type { Model } from '../models/spec';
import type { Random } from '../random';
import type { StreamLearnerFactory, StreamSource } from '../stream/source';
import { MlError, throwIfAborted, type DenseMatrix, type FitOptions } from '../types';
import { MlpClassifier, MlpRegressor, resolveMlpParams, type BatchFeed } from './mlp';

/** Rows the shuffle buffer holds by default (at least one source batch): 65,536 × 20 features is 10 MB. */
export const SHUFFLE_BUFFER_ROWS = 65_536;

export interface MlpStreamOptions {
  /** Rows of the shuffle buffer (default: the larger of SHUFFLE_BUFFER_ROWS and the source's batch size). */
  readonly bufferRows?: number;
}

/** The training rows' target mean and population standard deviation, summed in file order as the in-memory fit does. */
async function targetScale(source: StreamSource, signal?: AbortSignal): Promise<{ mean: number; std: number }> {
  const y = new Float64Array(source.rowCounts.train);
  let n = 0;
  await source.pass(
    (batch) => {
      if (n + batch.rows > y.length) throw new MlError(`mlp: the stream gave more than the ${y.length} training rows it announced`);
      y.set(batch.y, n);
      n += batch.rows;
    },
    { rows: 'train', label: 'target scale', ...(signal ? { signal } : {}) },
  );
  const values = y.subarray(0, n);
  if (n === 0) throw new MlError('mlp: no training rows');
  if (values.some((v) => !Number.isFinite(v))) throw new MlError('mlp: the target holds NaN or Infinity');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, std: variance > 0 ? Math.sqrt(variance) : 1 };
}

/** Throws when a batch holds NaN or Infinity, naming the file row and the feature (the in-memory fit's checkFinite). */
function checkBatch(x: DenseMatrix, rowNumbers: Float64Array, names: readonly string[]): void {
  const { data, rows, cols } = x;
  for (let k = 0; k < rows * cols; k++) {
    if (!Number.isFinite(data[k] as number)) {
      const row = rowNumbers[Math.floor(k / cols)] as number;
      throw new MlError(
        `mlp: input holds ${String(data[k])} in row ${row + 1} of the file, feature ${names[k % cols] ?? k % cols}; impute or drop missing values first`,
      );
    }
  }
}

/** Copies row `i` of a batch into row `at` of a row-major buffer. */
function copyRow(from: DenseMatrix, i: number, to: Float64Array, at: number): void {
  const cols = from.cols;
  to.set(from.data.subarray(i * cols, (i + 1) * cols), at * cols);
}

/**
 * A BatchFeed over the source's training rows: shuffle buffer, mini-batches, and on the first epoch the
 * early-stopping rows set aside (they are never trained on).
 */
function streamFeed(source: StreamSource, batchSize: number, bufferRows: number, validationFraction: number, seed: number, signal?: AbortSignal): BatchFeed {
  const cols = source.featureNames.length;
  const buffer = new Float64Array(bufferRows * cols);
  const targets = new Float64Array(bufferRows);
  const batchX = new Float64Array(batchSize * cols);
  const batchY = new Float64Array(batchSize);
  // One order per buffer length, shuffled again each time (the in-memory loop reshuffles its row order each epoch).
  const orders = new Map<number, number[]>();
  // The early-stopping rows, gathered on the first epoch into arrays sized for the expected share (grown if it runs over).
  let heldOutX = new Float64Array(Math.ceil(source.rowCounts.train * validationFraction * 1.05 + 16) * cols);
  let heldOutY = new Float64Array(heldOutX.length / Math.max(1, cols));
  let heldOutRows = 0;
  const heldOut = { x: { kind: 'dense', rows: 0, cols, data: new Float64Array(0) } as DenseMatrix, y: new Float64Array(0) };
  let heldOutReady = false;

  /** Steps on the buffer's first `filled` rows in a fresh order; returns how many rows were left (0, or those after the last whole mini-batch when `partial` is false). */
  const drain = (filled: number, partial: boolean, step: (x: DenseMatrix, y: Float64Array) => void, rng: Random): number => {
    let order = orders.get(filled);
    if (!order) {
      order = Array.from({ length: filled }, (_, i) => i);
      orders.set(filled, order);
    }
    rng.shuffle(order);
    const whole = partial ? filled : filled - (filled % batchSize);
    for (let start = 0; start < whole; start += batchSize) {
      const rows = Math.min(batchSize, whole - start);
      for (let r = 0; r < rows; r++) {
        const i = order[start + r] as number;
        batchX.set(buffer.subarray(i * cols, (i + 1) * cols), r * cols);
        batchY[r] = targets[i] as number;
      }
      step({ kind: 'dense', rows, cols, data: batchX.subarray(0, rows * cols) }, batchY.subarray(0, rows));
    }
    // Rows after the last whole mini-batch wait in the buffer for the next one.
    const left = filled - whole;
    const tail = order.slice(whole).sort((a, b) => a - b);
    tail.forEach((i, k) => {
      buffer.copyWithin(k * cols, i * cols, (i + 1) * cols);
      targets[k] = targets[i] as number;
    });
    return left;
  };

  return {
    get heldOut() {
      return heldOutReady && heldOut.y.length > 0 ? heldOut : undefined;
    },
    async epoch(step, rng, epoch) {
      let filled = 0;
      const collect = !heldOutReady && validationFraction > 0;
      await source.pass(
        async (batch) => {
          if (epoch === 0) checkBatch(batch.x, batch.rowNumbers, source.featureNames);
          for (let i = 0; i < batch.rows; i++) {
            if (validationFraction > 0 && isValidationRow(batch.rowNumbers[i] as number, seed, validationFraction)) {
              if (collect) {
                if (heldOutRows === heldOutY.length) {
                  const x = new Float64Array(Math.ceil(heldOutRows * 1.5 + 16) * cols);
                  x.set(heldOutX);
                  heldOutX = x;
                  const y = new Float64Array(x.length / Math.max(1, cols));
                  y.set(heldOutY);
                  heldOutY = y;
                }
                copyRow(batch.x, i, heldOutX, heldOutRows);
                heldOutY[heldOutRows++] = batch.y[i] as number;
              }
              continue;
            }
            copyRow(batch.x, i, buffer, filled);
            targets[filled] = batch.y[i] as number;
            filled++;
            if (filled === bufferRows) filled = drain(filled, false, step, rng);
          }
          throwIfAborted(signal);
          // Let an abort from a timer or a message land between batches.
          await new Promise((resolve) => setImmediate(resolve));
        },
        { rows: 'train', label: `epoch ${epoch + 1}`, ...(signal ? { signal } : {}) },
      );
      if (filled > 0) drain(filled, true, step, rng);
      if (!heldOutReady) {
        heldOut.x = { kind: 'dense', rows: heldOutRows, cols, data: heldOutX.slice(0, heldOutRows * cols) };
        heldOut.y = heldOutY.slice(0, heldOutRows);
        heldOutX = new Float64Array(0);
        heldOutY = new Float64Array(0);
        heldOutReady = true;
        if (validationFraction > 0 && heldOut.y.length === 0) {
          throw new MlError(
            `mlp: early_stopping needs at least one validation row (validation_fraction ${validationFraction} of ${source.rowCounts.train} rows)`,
          );
        }
      }
    },
  };
}

/** Fits an mlp on a StreamSource's training rows; the model is the in-memory fit's class. */
export async function fitMlpStreamed(
  source: StreamSource,
  params: Readonly<Record<string, unknown>>,
  options: FitOptions,
  streamOptions: MlpStreamOptions = {},
): Promise<Model> {
  const p = resolveMlpParams(params);
  const cols = source.featureNames.length;
  const total = source.rowCounts.train;
  if (total === 0) throw new MlError('mlp: no training rows');
  if (cols === 0) throw new MlError('mlp: the training data has no feature columns');
  const validationFraction = p.early_stopping ? p.validation_fraction : 0;
  const trainRows = Math.max(1, Math.round(total * (1 - validationFraction)));
  const batchSize = p.batch_size === 'auto' ? Math.min(200, trainRows) : Math.min(p.batch_size, trainRows);
  const bufferRows = Math.max(batchSize, streamOptions.bufferRows ?? Math.max(SHUFFLE_BUFFER_ROWS, source.batchSize));
  const feed = streamFeed(source, batchSize, bufferRows, validationFraction, options.seed, options.signal);
  if (source.task === 'classification') {
    const model = new MlpClassifier(params);
    await model.fitFed(source.classes, cols, feed, options);
    return model;
  }
  const { mean, std } = await targetScale(source, options.signal);
  const model = new MlpRegressor(params);
  await model.fitFed(mean, std, cols, feed, options);
  return model;
}

/** The StreamLearnerFactory of `mlp`. */
export const mlpStreamLearner: StreamLearnerFactory = (params) => {
  // Check the parameters before any file is read.
  resolveMlpParams(params);
  return { fit: (source, options) => fitMlpStreamed(source, params, options) };
};
