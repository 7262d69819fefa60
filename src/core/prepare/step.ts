/** The shape every preparation step shares, so the Pipeline can fit, apply and save them alike. */
import { Target } from '../types';
import { Frame } from './frame';

export type StepName =
  'dropDuplicates' | 'dropMissing' | 'drop' | 'datetime' | 'impute' | 'coerce' | 'clip' | 'scale' | 'onehot' | 'ordinal' | 'text' | 'select' | 'embed';

/** A fitted step saved as JSON: its name, its options as written, and what it learned. */
export interface StepJSON {
  readonly step: StepName;
  readonly options: Record<string, unknown>;
  readonly state?: unknown;
}

export interface PrepareStep {
  readonly step: StepName;
  /** Learns from the training rows only. */
  fit(frame: Frame, y: Target): void;
  /** Applies what was learned; never drops rows. */
  transform(frame: Frame): Frame;
  /** Row-dropping steps: the training rows kept before fitting (predict-time transform keeps all rows). */
  fitRows?(frame: Frame, y: Target): Int32Array;
  /**
   * Asynchronous work on these rows before `fit` or `transform` of the same rows (embed runs its
   * encoder); only the pipeline's async forms call it, and steps that have it need them.
   */
  ready?(frame: Frame): Promise<void>;
  /** Notes for the user from the last fit (coerce failures, dropped rows...). */
  readonly notes?: readonly string[];
  toJSON(): StepJSON;
}

/** Throws unless the step has been fitted, naming it. */
export function requireFitted<T>(state: T | undefined, step: string): T {
  if (state === undefined) throw new Error(`${step}: transform called before fit`);
  return state;
}
