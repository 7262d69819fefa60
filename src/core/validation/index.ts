/** Validation of the ML core: splits, row selection and cross-validation. */
export { holdoutSplit, kFold, stratifiedKFold, testRowCount } from './splits';
export type { FoldOptions, HoldoutOptions, Split } from './splits';
export { selectRows, selectTarget } from './rows';
export { alignProba, crossValidate, fitPrepared, inputRows, runFold, summariseFolds } from './crossValidate';
export type {
  ColumnLearner,
  CrossValidateOptions,
  CrossValidationResult,
  FittedSplit,
  FoldOutcome,
  Learner,
  ModelInput,
  PipelineLike,
  PreparedData,
} from './crossValidate';
export type { TrainProgress, TrainProgressEvent } from './progress';
