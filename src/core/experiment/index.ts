/** Experiments: the experiment file's shape and validation, and training one end to end. */
export { PREPARE_STEPS, validateExperiment } from './experiment';
export type { Experiment, HoldoutValidation, KFoldValidation, SearchSpec } from './experiment';
export { TextColumnPipeline } from './textPipeline';
export { trainExperiment } from './train';
export type { CvSummary, ExperimentPipeline, TrainOptions, TrainResult } from './train';
