/**
 * Streamed naive Bayes: the in-memory fit's sufficient statistics summed over batches. Gaussian: class counts, sums
 * and column sums in a first pass, squared deviations from those means in a second (the in-memory two-pass
 * variances); multinomial: feature counts per class in one pass. The fitted model is the in-memory NaiveBayes,
 * restored from the statistics through its saved form.
 */
import { NaiveBayes } from '../models/naiveBayes';
import type { Model } from '../models/registry';
import { MlError, type EstimatorJSON, type FitOptions } from '../types';
import type { StreamLearner, StreamSource } from './source';

const TYPE = 'naive_bayes';
// As the in-memory fit: scikit-learn 1.2 raises a smaller alpha to this.
const MIN_ALPHA = 1e-10;

function logPriors(classCount: Float64Array, fitPrior: boolean): number[] {
  const K = classCount.length;
  if (!fitPrior) return new Array<number>(K).fill(-Math.log(K));
  const logTotal = Math.log(classCount.reduce((a, b) => a + b, 0));
  return Array.from(classCount, (c) => Math.log(c) - logTotal);
}

/** naive_bayes over streamed batches (classification only); the distribution defaults to gaussian, as for dense input. */
export function streamedNaiveBayes(params: Readonly<Record<string, unknown>>): StreamLearner {
  return {
    async fit(source: StreamSource, options: FitOptions): Promise<Model> {
      const settings = new NaiveBayes(params).params;
      const distribution = settings.distribution ?? 'gaussian';
      const classes = [...source.classes];
      const K = classes.length;
      const d = source.featureNames.length;
      if (source.rowCounts.train === 0) throw new MlError(`${TYPE}: the training data has no rows`);
      const classCount = new Float64Array(K);
      const sums = new Float64Array(K * d);
      const columnSums = new Float64Array(d);
      let n = 0;
      await source.pass(
        (batch) => {
          const data = batch.x.data;
          for (let i = 0; i < batch.rows; i++) {
            const k = batch.y[i] as number;
            classCount[k] = (classCount[k] as number) + 1;
            n++;
            for (let j = 0; j < d; j++) {
              const v = data[i * d + j] as number;
              if (!Number.isFinite(v) || (distribution === 'multinomial' && !(v >= 0))) {
                throw new MlError(
                  distribution === 'multinomial'
                    ? `${TYPE}: multinomial needs counts or frequencies >= 0; row ${(batch.rowNumbers[i] as number) + 1} of the file, feature ${source.featureNames[j]} is ${v}`
                    : `${TYPE}: row ${(batch.rowNumbers[i] as number) + 1} of the file, feature ${source.featureNames[j]} is ${v}; impute or drop missing values first`,
                );
              }
              sums[k * d + j] = (sums[k * d + j] as number) + v;
              columnSums[j] = (columnSums[j] as number) + v;
            }
          }
        },
        { signal: options.signal, label: distribution === 'multinomial' ? 'counts' : 'means' },
      );
      const common = { type: TYPE, distribution, params: settings, classes, n_features: d, class_count: Array.from(classCount) };
      let json: EstimatorJSON;
      if (distribution === 'multinomial') {
        const alpha = Math.max(settings.alpha, MIN_ALPHA);
        const featureLogProb = new Array<number>(K * d);
        for (let k = 0; k < K; k++) {
          let total = 0;
          for (let j = 0; j < d; j++) total += (sums[k * d + j] as number) + alpha;
          const logTotal = Math.log(total);
          for (let j = 0; j < d; j++) featureLogProb[k * d + j] = Math.log((sums[k * d + j] as number) + alpha) - logTotal;
        }
        json = { ...common, class_log_prior: logPriors(classCount, settings.fit_prior), feature_log_prob: featureLogProb, feature_count: Array.from(sums) };
      } else {
        const theta = Float64Array.from(sums, (s, at) => s / (classCount[Math.floor(at / d)] as number));
        const columnMean = Float64Array.from(columnSums, (s) => s / n);
        const squares = new Float64Array(K * d);
        const columnSquares = new Float64Array(d);
        await source.pass(
          (batch) => {
            const data = batch.x.data;
            for (let i = 0; i < batch.rows; i++) {
              const k = batch.y[i] as number;
              for (let j = 0; j < d; j++) {
                const v = data[i * d + j] as number;
                const diff = v - (theta[k * d + j] as number);
                squares[k * d + j] = (squares[k * d + j] as number) + diff * diff;
                columnSquares[j] = (columnSquares[j] as number) + (v - (columnMean[j] as number)) ** 2;
              }
            }
          },
          { signal: options.signal, label: 'variances' },
        );
        let largest = 0;
        for (let j = 0; j < d; j++) largest = Math.max(largest, (columnSquares[j] as number) / n);
        const epsilon = settings.var_smoothing * largest;
        const variance = Array.from(squares, (s, at) => s / (classCount[Math.floor(at / d)] as number) + epsilon);
        variance.forEach((value, at) => {
          if (!(value > 0)) throw new MlError(`${TYPE}: feature ${source.featureNames[at % d]} is constant and var_smoothing is 0; raise var_smoothing`);
        });
        // GaussianNB's prior is always the class frequencies.
        json = { ...common, class_log_prior: logPriors(classCount, true), theta: Array.from(theta), var: variance, epsilon };
      }
      options.onProgress?.({ stage: TYPE, step: 1, of: 1 });
      return NaiveBayes.fromJSON(json) as unknown as Model;
    },
  };
}
