/** Progress of validation and search: a model's own events tagged with the fold and trial they belong to. */
import type { ProgressEvent } from '../types';

export interface TrainProgressEvent extends ProgressEvent {
  /** 1-based fold of cross-validation, with `folds` the total. */
  readonly fold?: number;
  readonly folds?: number;
  /** 1-based trial of a search, with `trials` the planned total. */
  readonly trial?: number;
  readonly trials?: number;
}

export type TrainProgress = (event: TrainProgressEvent) => void;
