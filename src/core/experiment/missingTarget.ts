/**
 * Rows without a target: a `dropMissing` step that names the target (or lists no columns) leaves
 * them out before the split; the pipeline itself only ever sees feature columns.
 */
import { MlError } from '../types';

export type StepSpec = Readonly<Record<string, unknown>>;

/** The options of a `dropMissing` step, or undefined for other steps (and options that are not an object). */
function dropMissingOptions(step: StepSpec): Readonly<Record<string, unknown>> | undefined {
  if (!('dropMissing' in step)) return undefined;
  const options = step.dropMissing ?? {};
  return typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : undefined;
}

/**
 * Whether rows whose target is missing are left out before the split: a dropMissing step over rows
 * that names the target in `columns`, or has no `columns` (every cell of a row counts).
 */
export function leavesOutMissingTarget(steps: readonly StepSpec[], target: string): boolean {
  return steps.some((step) => {
    const options = dropMissingOptions(step);
    if (!options || (options.axis !== undefined && options.axis !== 'rows')) return false;
    return options.columns === undefined || options.columns === null || (Array.isArray(options.columns) && options.columns.includes(target));
  });
}

/** The steps as the pipeline sees them: the target is not a feature, so dropMissing's `columns` lose it (the rows went before the split). */
export function featureSteps(steps: readonly StepSpec[], target: string): StepSpec[] {
  return steps.map((step) => {
    const options = dropMissingOptions(step);
    if (!options || !Array.isArray(options.columns) || !options.columns.includes(target)) return step;
    if (options.axis === 'columns')
      throw new MlError(`dropMissing: the target "${target}" cannot be dropped as a column; use axis: rows to leave out its missing rows`);
    return { dropMissing: { ...options, columns: options.columns.filter((c: unknown) => c !== target) } };
  });
}
