/**
 * Streamed linear models: logistic regression by full-batch L-BFGS whose loss and gradient are summed over the
 * batches of a pass (the in-memory objective, so the in-memory optimum to the optimiser's tolerance), and least
 * squares (linear_regression, ridge) solved exactly from the centred Gram matrix summed over batches.
 */
import { LogisticRegression } from '../models/logisticRegression';
import { LinearRegression } from '../models/linearRegression';
import { Ridge } from '../models/ridge';
import { classWeightsOf } from '../models/classWeight';
import { minimizeLbfgsAsync } from '../models/linear/lbfgs';
import { logisticObjective, meanWithL2 } from '../models/linear/logisticLoss';
import { solveSymmetric } from '../linalg/solve';
import type { Model } from '../models/registry';
import { MlError, throwIfAborted, type FitOptions, type Task } from '../types';
import type { StreamLearner, StreamSource } from './source';

/** Rows of each class among the training rows (one pass). */
async function classCounts(source: StreamSource, signal: AbortSignal | undefined): Promise<Float64Array> {
  const counts = new Float64Array(source.classes.length);
  await source.pass(
    (batch) => {
      for (let i = 0; i < batch.rows; i++) counts[batch.y[i] as number] = (counts[batch.y[i] as number] as number) + 1;
    },
    { signal, label: 'class counts' },
  );
  return counts;
}

/** logistic_regression over streamed batches: the in-memory fit's objective, optimiser and result. */
export function streamedLogisticRegression(params: Readonly<Record<string, unknown>>): StreamLearner {
  return {
    async fit(source: StreamSource, options: FitOptions): Promise<Model> {
      const model = new LogisticRegression(params);
      if (model.penalty === 'l1') throw new MlError("logistic_regression: penalty 'l1' is not streamed yet; use penalty 'l2' or 'none', or `data.sample`");
      const classes = [...source.classes];
      const p = source.featureNames.length;
      const n = source.rowCounts.train;
      if (n === 0) throw new MlError('logistic_regression: the training data has no rows');
      const blocks = classes.length === 2 ? 1 : classes.length;
      const stride = p + 1;
      const strength = 1 / (model.C * n);
      const l2 = model.penalty === 'l2' ? strength : 0;
      let classWeights: Float64Array | undefined;
      if (model.classWeight !== null) {
        const counts = await classCounts(source, options.signal);
        // classWeightsOf reads counts from codes: codes in class order stand for the same counts.
        const codes = new Int32Array(n);
        let at = 0;
        counts.forEach((count, k) => {
          codes.fill(k, at, at + count);
          at += count;
        });
        classWeights = classWeightsOf(model.classWeight, classes, codes);
      }
      let evaluation = 0;
      const fg = async (w: Float64Array, grad: Float64Array): Promise<number> => {
        evaluation++;
        grad.fill(0);
        const batchGrad = new Float64Array(grad.length);
        let loss = 0;
        await source.pass(
          (batch) => {
            const codes = Int32Array.from(batch.y);
            const weights = classWeights ? Float64Array.from(codes, (k) => classWeights[k] as number) : undefined;
            // The batch's mean loss and gradient (no penalty), scaled back to sums.
            const batchLoss = logisticObjective(batch.x, codes, blocks, 0, model.fitIntercept, weights)(w, batchGrad);
            loss += batchLoss * batch.rows;
            for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) + (batchGrad[i] as number) * batch.rows;
          },
          { signal: options.signal, label: `objective ${evaluation}` },
        );
        return loss / n + meanWithL2(grad, w, { blocks, stride, features: p, rows: n, l2, fitIntercept: model.fitIntercept });
      };
      const result = await minimizeLbfgsAsync(fg, new Float64Array(blocks * stride), {
        maxIter: model.maxIter,
        gtol: model.tol,
        signal: options.signal,
        onIteration: (step, loss) => options.onProgress?.({ stage: 'lbfgs', step, of: model.maxIter, loss }),
      });
      if (blocks > 1 && model.fitIntercept) {
        // Centred intercepts, as the in-memory fit leaves them.
        let mean = 0;
        for (let k = 0; k < blocks; k++) mean += (result.x[k * stride + p] as number) / blocks;
        for (let k = 0; k < blocks; k++) result.x[k * stride + p] = (result.x[k * stride + p] as number) - mean;
      }
      model.classes = classes;
      model.weights = result.x;
      model.nFeatures = p;
      model.nSamplesSeen = n;
      model.nIter = result.nIter;
      model.converged = result.converged;
      return model as unknown as Model;
    },
  };
}

/** linear_regression and ridge over streamed batches: column means in one pass, the centred Gram matrix in a second. */
export function streamedLeastSquares(type: 'linear_regression' | 'ridge', params: Readonly<Record<string, unknown>>): StreamLearner {
  return {
    async fit(source: StreamSource, options: FitOptions): Promise<Model> {
      const model = type === 'ridge' ? new Ridge(params) : new LinearRegression(params);
      const alpha = model instanceof Ridge ? model.alpha : 0;
      const p = source.featureNames.length;
      const n = source.rowCounts.train;
      if (n === 0) throw new MlError(`${type}: the training data has no rows`);
      const mean = new Float64Array(p);
      let yMean = 0;
      if (model.fitIntercept) {
        await source.pass(
          (batch) => {
            const data = batch.x.data;
            for (let i = 0; i < batch.rows; i++) {
              yMean += (batch.y[i] as number) / n;
              for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) + (data[i * p + j] as number) / n;
            }
          },
          { signal: options.signal, label: 'means' },
        );
      }
      const gram = new Float64Array(p * p);
      const rhs = new Float64Array(p);
      const row = new Float64Array(p);
      await source.pass(
        (batch) => {
          const data = batch.x.data;
          for (let i = 0; i < batch.rows; i++) {
            for (let j = 0; j < p; j++) row[j] = (data[i * p + j] as number) - (mean[j] as number);
            const target = (batch.y[i] as number) - yMean;
            for (let a = 0; a < p; a++) {
              const va = row[a] as number;
              if (va === 0) continue;
              rhs[a] = (rhs[a] as number) + va * target;
              for (let b = a; b < p; b++) gram[a * p + b] = (gram[a * p + b] as number) + va * (row[b] as number);
            }
          }
        },
        { signal: options.signal, label: 'gram matrix' },
      );
      throwIfAborted(options.signal);
      for (let a = 0; a < p; a++) {
        gram[a * p + a] = (gram[a * p + a] as number) + alpha;
        for (let b = a + 1; b < p; b++) gram[b * p + a] = gram[a * p + b] as number;
      }
      const coef = solveSymmetric(gram, rhs, p);
      let intercept = 0;
      if (model.fitIntercept) {
        intercept = yMean;
        for (let j = 0; j < p; j++) intercept -= (mean[j] as number) * (coef[j] as number);
      }
      options.onProgress?.({ stage: 'least squares', step: 1, of: 1 });
      model.coef = coef;
      model.intercept = intercept;
      model.nSamplesSeen = n;
      return model as unknown as Model;
    },
  };
}

/** The streamed learner of a linear model type for a task. */
export function linearStreamLearner(type: string, params: Readonly<Record<string, unknown>>, task: Task): StreamLearner {
  if (type === 'logistic_regression') {
    if (task !== 'classification') throw new MlError('logistic_regression does classification, not regression');
    return streamedLogisticRegression(params);
  }
  if (task !== 'regression') throw new MlError(`${type} does regression, not classification`);
  return streamedLeastSquares(type as 'linear_regression' | 'ridge', params);
}
