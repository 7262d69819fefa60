/** Matrix rows to tfjs tensors (sparse rows densified one batch at a time) and weight encoding. */
import * as tf from '@tensorflow/tfjs';
import type { DenseMatrix, Matrix } from '../types';
import { MlError } from '../types';

/** Copies the given rows of X into a float32 [rows.length, cols] tensor. */
export function rowsToTensor(X: Matrix, rows: readonly number[]): tf.Tensor2D {
  const cols = X.cols;
  const out = new Float32Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    if (X.kind === 'dense') {
      out.set(X.data.subarray(i * cols, (i + 1) * cols), r * cols);
    } else {
      const end = X.indptr[i + 1] as number;
      for (let k = X.indptr[i] as number; k < end; k++) out[r * cols + (X.indices[k] as number)] = X.values[k] as number;
    }
  }
  return tf.tensor2d(out, [rows.length, cols]);
}

/** Copies rows of X into float32 tensors; dense X is converted to float32 once, so a batch is a few memcpys. */
export function batchSource(X: Matrix): (rows: readonly number[]) => tf.Tensor2D {
  if (X.kind !== 'dense') return (rows) => rowsToTensor(X, rows);
  const cols = X.cols;
  const data = new Float32Array(X.data);
  return (rows) => {
    const out = new Float32Array(rows.length * cols);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r] as number;
      out.set(data.subarray(i * cols, (i + 1) * cols), r * cols);
    }
    return tf.tensor2d(out, [rows.length, cols]);
  };
}

/** 0..n-1, the row order of a whole matrix. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Throws when X holds NaN or Infinity, naming the first bad cell. */
export function checkFinite(X: Matrix, model: string): void {
  const values = X.kind === 'dense' ? X.data : X.values;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k] as number)) {
      const where = X.kind === 'dense' ? `row ${Math.floor(k / X.cols)}, column ${k % X.cols}` : `stored entry ${k}`;
      throw new MlError(`${model}: input holds ${String(values[k])} at ${where}; impute or drop missing values first`);
    }
  }
}

/** Runs `predictBatch` over X in row batches and stacks the float results row-major. */
export function predictInBatches(X: Matrix, width: number, predictBatch: (batch: tf.Tensor2D) => tf.Tensor, batchSize = 1024): Float64Array {
  const out = new Float64Array(X.rows * width);
  for (let start = 0; start < X.rows; start += batchSize) {
    const rows = range(Math.min(batchSize, X.rows - start)).map((i) => i + start);
    const values = tf.tidy(() => predictBatch(rowsToTensor(X, rows)).dataSync());
    out.set(values, start * width);
  }
  return out;
}

export function denseMatrix(rows: number, cols: number, data: Float64Array): DenseMatrix {
  return { kind: 'dense', rows, cols, data };
}

/** A weight as it travels in toJSON: little-endian float32 bytes in base64. */
export interface EncodedWeight {
  readonly name: string;
  readonly shape: number[];
  readonly data: string;
}

/** Encodes a model's weights (tfjs variables) for JSON. */
export function encodeWeights(weights: readonly tf.LayerVariable[]): EncodedWeight[] {
  return weights.map((w) => {
    const values = w.read().dataSync() as Float32Array;
    return { name: w.originalName, shape: [...w.shape] as number[], data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') };
  });
}

/** Decodes weights written by encodeWeights into tensors in the same order. */
export function decodeWeights(encoded: readonly EncodedWeight[]): tf.Tensor[] {
  return encoded.map((w) => {
    const bytes = Buffer.from(w.data, 'base64');
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const values = new Float32Array(copy.buffer);
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new MlError(`weight ${w.name}: ${values.length} values for shape [${w.shape.join(', ')}]`);
    return tf.tensor(values, w.shape, 'float32');
  });
}
