/** The model types that learn from streamed batches, each with its StreamLearner. */
import { gradientBoostingStreamLearner } from '../models/boosting/streamed';
import { mlpStreamLearner } from '../nn/mlpStream';
import { linearStreamLearner } from './linear';
import { streamedNaiveBayes } from './naiveBayes';
import type { StreamLearnerFactory } from './source';

/**
 * Streamed learners by model type. A type not listed here needs all rows at once: a streamed run refuses it and
 * offers `data.sample`.
 */
export const STREAM_LEARNERS: Readonly<Record<string, StreamLearnerFactory>> = {
  gradient_boosting: gradientBoostingStreamLearner,
  mlp: mlpStreamLearner,
  logistic_regression: (params, task) => linearStreamLearner('logistic_regression', params, task),
  linear_regression: (params, task) => linearStreamLearner('linear_regression', params, task),
  ridge: (params, task) => linearStreamLearner('ridge', params, task),
  naive_bayes: (params) => streamedNaiveBayes(params),
};

/** The streamed learner of a model type, or undefined when it needs all rows in memory. */
export function streamLearner(type: string): StreamLearnerFactory | undefined {
  return Object.prototype.hasOwnProperty.call(STREAM_LEARNERS, type) ? STREAM_LEARNERS[type] : undefined;
}
