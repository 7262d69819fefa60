/** The preparation pipeline: the experiment file's `prepare` steps, fitted on training rows, applied at predict time. */
import { asStringKind, Column, ColumnKind, dictionaryOf, stringColumn, Table } from '../data/table';
import { cellToString, parseNumber } from '../data/infer';
import { FitOptions, Matrix, MlError, Target, throwIfAborted } from '../types';
import { assembleFrame, Frame, frameAsColumns, frameColumns, frameFromTable, holdsBadNumbers, takeFrameRows } from './frame';
import { createStep, stepFromJSON } from './registry';
import { PrepareStep, StepJSON } from './step';
import type { EmbedContext } from './steps/embed';

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
  /** Where embed steps find their model folder and the run's embedding cache. */
  readonly embed?: EmbedContext;
}

/** Where end-of-pipeline checks report from. */
const END = 'prepare';

/** Ordered preparation steps; fitted inside each fold so validation rows are never seen while fitting. */
/** What fitTransform gives: the prepared matrix and target; `columns` when the features are numeric columns as they are. */
export interface PreparedRows {
  readonly X: Matrix;
  readonly y: Target;
  readonly featureNames: string[];
  readonly columns?: readonly Float64Array[];
}

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
        return createStep(name, element[name], options.embed);
      } catch (error) {
        throw withStepIndex(error, i, name);
      }
    });
    return new Pipeline(steps, options);
  }

  /** Fits every step on these rows and returns the prepared matrix; row-dropping steps drop target rows too. */
  fitTransform(features: Table, y: Target, options: FitOptions): PreparedRows {
    let state = this.startFit(features, y);
    this.steps.forEach((step, i) => {
      throwIfAborted(options.signal);
      state = this.fitStep(step, i, state);
      options.onProgress?.({ stage: 'prepare', step: i + 1, of: this.steps.length });
    });
    return this.endFit(state);
  }

  /**
   * Fits a pipeline without steps on a table of numeric columns only, none holding a value transform refuses (NaN
   * unless allowMissing, ±Infinity): nothing is learnt from rows, the fit records the input columns, and the table's own
   * column arrays are what fitTransform and transform give for any of its rows (validation fits and scores a fold
   * through row indices then, with no copy of the rows). Undefined, nothing fitted, for any other pipeline or table.
   */
  fitPassThrough(features: Table): readonly Float64Array[] | undefined {
    if (this.steps.length > 0 || features.rowCount === 0 || features.columns.length === 0) return undefined;
    const columns: Float64Array[] = [];
    for (const column of features.columns) {
      if (column.kind !== 'numeric' || holdsBadNumbers(column.values, this.allowMissing)) return undefined;
      columns.push(column.values);
    }
    this.inputs = features.columns.map((c) => ({ name: c.name, kind: c.kind }));
    this.notes = [];
    this.featureNames = features.columns.map((c) => c.name);
    return columns;
  }

  /** Whether a step does asynchronous work (embed): then only fitTransformAsync and transformAsync prepare rows. */
  get isAsync(): boolean {
    return this.steps.some((step) => step.ready !== undefined);
  }

  /** fitTransform that first lets each step do its asynchronous work on the rows it gets (embed runs its encoder). */
  async fitTransformAsync(features: Table, y: Target, options: FitOptions): Promise<PreparedRows> {
    let state = this.startFit(features, y);
    for (const [i, step] of this.steps.entries()) {
      throwIfAborted(options.signal);
      if (step.ready) {
        state = this.dropRows(step, i, state);
        const ready = step.ready.bind(step);
        await ready(state.frame).catch((error: unknown) => {
          throw withStepIndex(error, i, step.step);
        });
      }
      state = this.fitStep(step, i, state, step.ready !== undefined);
      options.onProgress?.({ stage: 'prepare', step: i + 1, of: this.steps.length });
    }
    return this.endFit(state);
  }

  private startFit(features: Table, y: Target): { frame: Frame; target: Target } {
    if (features.rowCount === 0) throw new MlError(`${END}: the table has no rows`);
    if (y.length !== features.rowCount) throw new MlError(`${END}: the target has ${y.length} values but the table has ${features.rowCount} rows`);
    this.inputs = features.columns.map((c) => ({ name: c.name, kind: c.kind }));
    this.notes = [];
    return { frame: frameFromTable(features), target: y };
  }

  /** One step's fit: the rows it drops (unless `rowsDropped`), then its fit and transform. */
  private fitStep(step: PrepareStep, i: number, state: { frame: Frame; target: Target }, rowsDropped = false): { frame: Frame; target: Target } {
    const { target, frame: rows } = rowsDropped ? state : this.dropRows(step, i, state);
    let frame = rows;
    try {
      step.fit(frame, target);
      frame = step.transform(frame);
    } catch (error) {
      throw withStepIndex(error, i, step.step);
    }
    this.notes.push(...(step.notes ?? []));
    return { frame, target };
  }

  private dropRows(step: PrepareStep, i: number, state: { frame: Frame; target: Target }): { frame: Frame; target: Target } {
    if (!step.fitRows) return state;
    try {
      const kept = step.fitRows(state.frame, state.target);
      return kept.length === state.frame.rowCount ? state : { frame: takeFrameRows(state.frame, kept), target: takeTarget(state.target, kept) };
    } catch (error) {
      throw withStepIndex(error, i, step.step);
    }
  }

  /**
   * The prepared rows. When the frame is only numeric columns, `columns` holds them as they are and the row-major `X`
   * is built on first use only (fitPrepared lets a model that fits on columns skip it: no second copy of the rows).
   */
  private endFit(state: { frame: Frame; target: Target }): PreparedRows {
    const frame = state.frame;
    const columns = frameAsColumns(frame, END, this.allowMissing);
    if (!columns) {
      const { X, featureNames } = assembleFrame(frame, END, this.allowMissing);
      this.featureNames = featureNames;
      return { X, y: state.target, featureNames };
    }
    const featureNames = frameColumns(frame).map((c) => c.name);
    this.featureNames = featureNames;
    const allowMissing = this.allowMissing;
    let X: Matrix | undefined;
    return {
      get X(): Matrix {
        X ??= assembleFrame(frame, END, allowMissing).X;
        return X;
      },
      y: state.target,
      featureNames,
      columns,
    };
  }

  /** transform that first lets each step do its asynchronous work on the rows it gets (embed runs its encoder). */
  async transformAsync(features: Table): Promise<Matrix> {
    let frame = this.startTransform(features);
    for (const [i, step] of this.steps.entries()) {
      try {
        if (step.ready) await step.ready(frame);
        frame = step.transform(frame);
      } catch (error) {
        throw withStepIndex(error, i, step.step);
      }
    }
    return assembleFrame(frame, END, this.allowMissing).X;
  }

  private startTransform(features: Table): Frame {
    const inputs = this.inputs;
    if (!inputs) throw new MlError(`${END}: the pipeline must be fitted before transform`);
    return frameFromTable(alignInputs(features, inputs));
  }

  /** Applies the fitted steps to new rows (no row is dropped); fails naming the column on missing values left. */
  transform(features: Table): Matrix {
    return assembleFrame(this.transformFrame(features), END, this.allowMissing).X;
  }

  /** The fitted steps applied to new rows, before the frame becomes a matrix or columns. */
  private transformFrame(features: Table): Frame {
    let frame = this.startTransform(features);
    this.steps.forEach((step, i) => {
      try {
        frame = step.transform(frame);
      } catch (error) {
        throw withStepIndex(error, i, step.step);
      }
    });
    return frame;
  }

  /**
   * transform's rows as the numeric columns themselves when every feature is one (`columns`, checked as transform
   * checks them; no row-major copy), with the matrix built on first use of `matrix` otherwise.
   */
  transformColumns(features: Table): { readonly columns: readonly Float64Array[] | undefined; matrix(): Matrix } {
    const done = this.transformFrame(features);
    const allowMissing = this.allowMissing;
    return { columns: frameAsColumns(done, END, allowMissing), matrix: () => assembleFrame(done, END, allowMissing).X };
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
  static fromJSON(json: PipelineJSON, options: Pick<PipelineOptions, 'embed'> = {}): Pipeline {
    if (json?.type !== 'pipeline') throw new MlError(`not a saved pipeline (type ${JSON.stringify(json?.type)})`);
    const pipeline = new Pipeline(
      json.steps.map((step) => stepFromJSON(step, options.embed)),
      { allowMissing: json.allowMissing === true },
    );
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
      if (column.kind === 'numeric') return { name: input.name, kind: 'numeric', values: column.values };
      // Parsed once per category of the column's dictionary.
      const { codes, categories } = dictionaryOf(column);
      const numbers = Float64Array.from(categories, (v) => parseNumber(v) ?? NaN);
      return { name: input.name, kind: 'numeric', values: Float64Array.from(codes, (code) => (code < 0 ? NaN : (numbers[code] as number))) };
    }
    if (column.kind !== 'numeric') return asStringKind(column, input.kind, input.name);
    return stringColumn(
      input.name,
      input.kind,
      Array.from(column.values, (v) => cellToString(v)),
    );
  });
  return { rowCount: table.rowCount, columns };
}

/**
 * A pipeline whose steps do asynchronous work (embed), as validation and the trainer take it: its
 * fitTransform and transform are the pipeline's async forms. Other pipelines are returned as they are.
 */
export function awaitedPipeline(pipeline: Pipeline): Pipeline | AwaitedPipeline {
  return pipeline.isAsync ? new AwaitedPipeline(pipeline) : pipeline;
}

export class AwaitedPipeline {
  constructor(readonly pipeline: Pipeline) {}

  fitTransform(features: Table, y: Target, options: FitOptions): Promise<PreparedRows> {
    return this.pipeline.fitTransformAsync(features, y, options);
  }

  transform(features: Table): Promise<Matrix> {
    return this.pipeline.transformAsync(features);
  }

  get notes(): string[] {
    return this.pipeline.notes;
  }

  get featureNames(): string[] {
    return this.pipeline.featureNames;
  }

  toJSON(): PipelineJSON {
    return this.pipeline.toJSON();
  }
}
