/** The models that need no TensorFlow.js, in the order of DESIGN.md; the registry appends the neural ones. */
import { decisionTreeModel } from './decisionTree';
import { elasticNetModel } from './elasticNet';
import { gradientBoostingModel } from './gradientBoosting';
import { knnModel } from './knn';
import { lassoModel } from './lasso';
import { linearRegressionModel } from './linearRegression';
import { linearSvmModel } from './linearSvm';
import { logisticRegressionModel } from './logisticRegression';
import { naiveBayesModel } from './naiveBayes';
import { randomForestModel } from './randomForest';
import { ridgeModel } from './ridge';
import type { ModelDefinition } from './spec';
import { svmModel } from './svm';

export const CLASSIC_MODELS: readonly ModelDefinition[] = [
  linearRegressionModel,
  ridgeModel,
  lassoModel,
  elasticNetModel,
  logisticRegressionModel,
  linearSvmModel,
  svmModel,
  decisionTreeModel,
  randomForestModel,
  gradientBoostingModel,
  knnModel,
  naiveBayesModel,
];
