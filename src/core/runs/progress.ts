/**
 * The one progress model of a run, shared by the notification, the Runs view and the dashboard:
 * a fraction that only grows, and the phase it is in said in words ("trial 3/12 · fold 2/5",
 * "refit on all rows"). The worker computes both once; every view shows them as they come.
 */
import type { Experiment } from '../experiment/experiment';
import type { TrainProgressEvent } from '../validation';

/** Where a run is: its fraction done (0 to 1, never going back) and its phase in words. */
export interface ProgressReport {
  readonly fraction: number;
  readonly phase: string;
}

/** The highest fraction before the run is finished: 100 % only when it completed. */
export const MAX_RUNNING_FRACTION = 0.99;

/** Of a sweep's run, what scoring its trials takes; the best candidate's evaluation and refit get the rest. */
export const SWEEP_TRIALS_SHARE = 0.9;

/** A fraction as every view shows it: whole percent, rounded down (99 % is not yet done). */
export function progressPercent(fraction: number): number {
  return Math.max(0, Math.min(100, Math.floor(fraction * 100 + 1e-9)));
}

/** "45% · trial 3/12 · fold 2/5". */
export function progressText(report: ProgressReport): string {
  return [`${progressPercent(report.fraction)}%`, report.phase].filter(Boolean).join(' · ');
}

/**
 * Fraction done from a progress event: folds, trials and the model's own steps nest in that order.
 * A `fold` event opens its fold and a `trial` event closes its trial: their steps count folds and
 * trials, not work inside them.
 */
export function progressFraction(event: TrainProgressEvent): number {
  const inner = event.stage === 'fold' ? 0 : event.stage === 'trial' ? 1 : event.of ? Math.min(1, event.step / event.of) : 0;
  const inFold = event.fold && event.folds ? (event.fold - 1 + inner) / event.folds : inner;
  const inTrial = event.trial && event.trials ? (event.trial - 1 + inFold) / event.trials : inFold;
  return Math.max(0, Math.min(MAX_RUNNING_FRACTION, inTrial));
}

/** Words for a model's own step names. */
const STEP_NAMES: Readonly<Record<string, string>> = { train: 'epoch', forest: 'tree', importance: 'permutation importance' };

/**
 * The phase of an event in words, each part once: "trial 3/12", "fold 2/5", the model's own step
 * ("epoch 7/30", "tree 40/100"), "permutation importance 2/5", "refit on all rows".
 */
export function phaseText(event: TrainProgressEvent): string {
  const refit = event.stage === 'refit' || event.stage.startsWith('refit ');
  const stage = refit ? event.stage.slice('refit'.length).trim() : event.stage;
  const parts: string[] = [];
  if (event.trial && event.trials) parts.push(`trial ${event.trial}/${event.trials}`);
  if (refit) parts.push('refit on all rows');
  else if (event.fold && event.folds && event.folds > 1) parts.push(`fold ${event.fold}/${event.folds}`);
  // A fold or trial event is its own step; a step of one says nothing more.
  if (stage !== '' && stage !== 'fold' && stage !== 'trial') {
    const name = STEP_NAMES[stage] ?? stage;
    parts.push(event.of && event.of > 1 ? `${name} ${Math.min(event.step, event.of)}/${event.of}` : name);
  }
  return parts.join(' · ');
}

/**
 * The progress of a whole run, which only grows: evaluation (folds, or a search's trials) first,
 * then the refit on all rows, which gets the share of one more fold. A sweep's best candidate is
 * trained after its trials (`from`: the share they took), so it continues from there instead of
 * starting again at 0 (the Runs view read 98 % → 13 % during a sweep's refit).
 */
export class RunProgress {
  private reached: number;
  private readonly evaluationShare: number;
  /** Of the evaluation's share, what permutation importance (after the folds) takes. */
  private readonly importanceShare: number;
  private readonly from: number;
  private readonly prefix: string;

  constructor(experiment: Pick<Experiment, 'validation' | 'search' | 'importance'>, options: { readonly from?: number; readonly phasePrefix?: string } = {}) {
    const folds = experiment.validation?.method === 'kfold' ? (experiment.validation.folds ?? 5) : 1;
    this.evaluationShare = experiment.search ? SWEEP_TRIALS_SHARE : folds / (folds + 1);
    this.importanceShare = experiment.importance === false ? 0 : 0.2;
    this.from = Math.max(0, Math.min(MAX_RUNNING_FRACTION, options.from ?? 0));
    this.reached = this.from;
    this.prefix = options.phasePrefix ?? '';
  }

  /** The fraction (0 to 0.99) after this event. */
  fraction(event: TrainProgressEvent): number {
    return this.report(event).fraction;
  }

  /** The fraction and phase after this event. */
  report(event: TrainProgressEvent): ProgressReport {
    const refit = event.stage === 'refit' || event.stage.startsWith('refit ');
    const inner = event.stage === 'refit' ? 0 : progressFraction(event);
    const evaluated = 1 - this.importanceShare;
    const own = refit
      ? this.evaluationShare + (1 - this.evaluationShare) * inner
      : event.stage === 'importance'
        ? this.evaluationShare * (evaluated + this.importanceShare * inner)
        : this.evaluationShare * evaluated * inner;
    const value = this.from + (1 - this.from) * Math.min(1, own);
    this.reached = Math.min(MAX_RUNNING_FRACTION, Math.max(this.reached, value));
    return { fraction: this.reached, phase: [this.prefix, phaseText(event)].filter(Boolean).join(' · ') };
  }
}

/** A sweep's progress after `done` of `of` trials were scored (by any executor, in any order). */
export function sweepTrialsProgress(done: number, of: number): ProgressReport {
  return { fraction: of > 0 ? (Math.min(done, of) / of) * SWEEP_TRIALS_SHARE : 0, phase: `trial ${Math.min(done, of)}/${of}` };
}
