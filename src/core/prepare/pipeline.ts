/** The preparation pipeline: the experiment file's `prepare` steps, fitted on training rows, applied at predict time. */
import { Column, ColumnKind, Table } from '../data/table';
import { cellToString, parseNumber } from '../data/infer';
import { FitOptions, Matrix, MlError, Target, throwIfAborted } from '../types';
import { assembleFrame, Frame, frameFromTable, takeFrameRows } from './frame';
import { createStep, stepFromJSON } from './registry';
import { PrepareStep, StepJSON } from './step';

export interface InputColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

export interface PipelineJSON {
  readonly type: 'pipeline';
  readonly inputs: InputColumn[];
  readonly featureNames: string[];
  readonly steps: StepJSON[];
  /** Set when NaN features are passed to the model (one that handles missing values itself). */
  readonly allowMissing?: true;
}

export interface PipelineOptions {
  /** Let NaN features through to the model instead of asking for an impute step (models whose spec acceptsMissing). */
  readonly allowMissing?: boolean;
}

/** Where end-of-pipeline checks report from. */
const END = 'prepare';

/** Ordered preparation steps; fitted inside each fold so validation rows are never seen while fitting. */
export class Pipeline {
  /** Input columns (name and kind) seen when fitted; transform expects them. */
  private inputs: InputColumn[] | undefined;
  /** Names of the output matrix's columns. */
  featureNames: string[] = [];
  /** Notes from the last fit for the user: coerce failures, dropped rows or columns. */
  notes: string[] = [];

  /** NaN features reach the model (which handles missing values itself) instead of failing. */
  readonly allowMissing: boolean;

  constructor(
    readonly steps: readonly PrepareStep[] = [],
    options: PipelineOptions = {},
  ) {
    this.allowMissing = options.allowMissing === true;
  }

  /** Builds the steps from the experiment file's `prepare` list: each element `{ <stepName>: options }`. */
  static fromSpec(spec: ReadonlyArray<Readonly<Record<string, unknown>>>, options: PipelineOptions = {}): Pipeline {
    if (!Array.isArray(spec)) throw new MlError(`prepare must be a list of steps, got ${JSON.stringify(spec)}`);
    const steps = spec.map((element, i) => {
      const keys = element && typeof element === 'object' && !Array.isArray(element) ? Object.keys(element) : [];
      if (keys.length !== 1) {
        throw new MlError(
          `prepare step ${i + 1}: must have exactly one step name as key, like { scale: { method: standard } }, got ${JSON.stringify(element)}`,
        );
      }
      const name = keys[0] as string;
      try {
        return createStep(name, element[name]);
      } catch (error) {
        throw withStepIndex(error, i, name);
      }
    });
    return new Pipeline(steps, options);
  }

  /** Fits every step on these rows and returns the prepared matrix; row-dropping steps drop target rows too. */
  fitTransform(features: Table, y: Target, options: FitOptions): { X: Matrix; y: Target; featureNames: string[] } {
    if (features.rowCount === 0) throw new MlError(`${END}: the table has no rows`);
    if (y.length !== features.rowCount) throw new MlError(`${END}: the target has ${y.length} values but the table has ${features.rowCount} rows`);
    this.inputs = features.columns.map((c) => ({ name: c.name, kind: c.kind }));
    let frame: Frame = frameFromTable(features);
    let target = y;
    this.notes = [];
    this.steps.forEach((step, i) => {
      throwIfAborted(options.signal);
      try {
        if (step.fitRows) {
          const kept = step.fitRows(frame, target);
          if (kept.length !== frame.rowCount) {
            frame = takeFrameRows(frame, kept);
            target = takeTarget(target, kept);
          }
        }
        step.fit(frame, target);
        frame = step.transform(frame);
      } catch (error) {
        throw withStepIndex(error, i, step.step);
      }
      this.notes.push(...(step.notes ?? []));
      options.onProgress?.({ stage: 'prepare', step: i + 1, of: this.steps.length });
    });
    const { X, featureNames } = assembleFrame(frame, END, this.allowMissing);
    this.featureNames = featureNames;
    return { X, y: target, featureNames };
  }

  /** Applies the fitted steps to new rows (no row is dropped); fails naming the column on missing values left. */
  transform(features: Table): Matrix {
    const inputs = this.inputs;
    if (!inputs) throw new MlError(`${END}: the pipeline must be fitted before transform`);
    let frame = frameFromTable(alignInputs(features, inputs));
    this.steps.forEach((step, i) => {
      try {
        frame = step.transform(frame);
      } catch (error) {
        throw withStepIndex(error, i, step.step);
      }
    });
    return assembleFrame(frame, END, this.allowMissing).X;
  }

  toJSON(): PipelineJSON {
    if (!this.inputs) throw new MlError(`${END}: only a fitted pipeline can be saved`);
    return {
      type: 'pipeline',
      inputs: this.inputs,
      featureNames: this.featureNames,
      steps: this.steps.map((s) => s.toJSON()),
      ...(this.allowMissing ? { allowMissing: true as const } : {}),
    };
  }

  /** Restores a fitted pipeline saved by toJSON. */
  static fromJSON(json: PipelineJSON): Pipeline {
    if (json?.type !== 'pipeline') throw new MlError(`not a saved pipeline (type ${JSON.stringify(json?.type)})`);
    const pipeline = new Pipeline(json.steps.map(stepFromJSON), { allowMissing: json.allowMissing === true });
    pipeline.inputs = json.inputs.map((c) => ({ ...c }));
    pipeline.featureNames = [...json.featureNames];
    return pipeline;
  }
}

function withStepIndex(error: unknown, index: number, name: string): unknown {
  if (!(error instanceof MlError)) return error;
  const message = error.message.startsWith(`${name}: `) ? error.message.slice(name.length + 2) : error.message;
  return new MlError(`prepare step ${index + 1} (${name}): ${message}`);
}

function takeTarget(y: Target, kept: Int32Array): Target {
  if (y instanceof Float64Array) return Float64Array.from(kept, (i) => y[i] as number);
  return Array.from(kept, (i) => y[i] as string);
}

/**
 * The input columns in fitted order, converted to their fitted kinds (a service may receive
 * numbers as strings); a missing column is an error naming it.
 */
function alignInputs(table: Table, inputs: readonly InputColumn[]): Table {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const columns = inputs.map((input): Column => {
    const column = byName.get(input.name);
    if (!column) {
      throw new MlError(`${END}: column "${input.name}" is missing from the input; the pipeline was fitted on ${inputs.map((c) => c.name).join(', ')}`);
    }
    if (column.kind === input.kind) return column;
    if (input.kind === 'numeric') {
      return { name: input.name, kind: 'numeric', values: Float64Array.from(column.values as ArrayLike<string | number | null>, (v) => parseNumber(v) ?? NaN) };
    }
    return { name: input.name, kind: input.kind, values: Array.from(column.values as ArrayLike<string | number | null>, (v) => cellToString(v)) };
  });
  return { rowCount: table.rowCount, columns };
}
