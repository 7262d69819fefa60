/** Runs a tree-growing generator to completion, reporting progress and honouring cancellation. */
import { FitOptions, throwIfAborted } from '../../types';
import { subsampleClassWeights } from '../classWeight';
import type { GrowTarget } from './grow';

/** Drains `growth`, yielding to the event loop between chunks so an abort from elsewhere is seen. */
export async function driveGrowth<T>(growth: Generator<number, T, void>, options: FitOptions, stage: string): Promise<T> {
  for (;;) {
    throwIfAborted(options.signal);
    const step = growth.next();
    if (step.done === true) return step.value;
    options.onProgress?.({ stage, step: step.value });
    await yieldToEventLoop();
  }
}

/** Drains `growth` synchronously (inside a forest, which yields between trees instead). */
export function runGrowth<T>(growth: Generator<number, T, void>): T {
  for (;;) {
    const step = growth.next();
    if (step.done === true) return step.value;
  }
}

/** Lets pending events (an abort message, a timer) run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Rows 0..n-1, each counted once. */
export function allRows(n: number): { samples: Int32Array; weights: Float64Array } {
  return { samples: Int32Array.from({ length: n }, (_, i) => i), weights: new Float64Array(n).fill(1) };
}

/**
 * Multiplies each row's count (1, or its bootstrap draws) by its class weight in place, as
 * scikit-learn multiplies sample_weight by the expanded class weights; 'balanced_subsample' weighs
 * by the classes' frequencies among the drawn rows.
 */
export function weighByClass(target: GrowTarget, weights: Float64Array): Float64Array {
  if (target.kind !== 'classes') return weights;
  const classWeights = target.balancedSubsample ? subsampleClassWeights(target.nClasses, target.codes, weights) : target.classWeights;
  if (!classWeights) return weights;
  const { codes } = target;
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) * (classWeights[codes[i] as number] as number);
  return weights;
}
