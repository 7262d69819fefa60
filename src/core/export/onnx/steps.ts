/**
 * The preparation steps as ONNX nodes. The fitted pipeline's saved steps (pipeline.json) are
 * replayed on a frame of graph tensors: one [N, 1] tensor per raw column (float for numbers, string
 * otherwise) and [N, k] float blocks for encoded ones, laid side by side at the end as the model's X.
 */
import type { InputColumn, PipelineJSON } from '../../prepare/pipeline';
import type { StepJSON } from '../../prepare/step';
import type { PcaModel } from '../../prepare/pca';
import { MlError } from '../../types';
import { float, floats, GraphBuilder } from './graph';

/** A raw column in the graph: [N, 1] float (numeric) or string (missing written as ""). */
export interface OnnxColumn {
  readonly type: 'column';
  readonly name: string;
  readonly kind: InputColumn['kind'];
  readonly tensor: string;
  /** For string columns: what a missing value ("") stands for after an impute step. */
  readonly missingAs?: string;
}

/** Encoded features: an [N, k] float tensor. */
export interface OnnxBlock {
  readonly type: 'block';
  readonly names: readonly string[];
  readonly tensor: string;
}

export type OnnxPart = OnnxColumn | OnnxBlock;

/** Declares one graph input per pipeline input column, named as the column. */
export function inputParts(graph: GraphBuilder, inputs: readonly InputColumn[]): OnnxPart[] {
  return inputs.map((c) => ({
    type: 'column',
    name: c.name,
    kind: c.kind,
    tensor: graph.input(c.name, c.kind === 'numeric' ? 'float' : 'string', ['N', 1]),
  }));
}

/** Replays every saved step on the frame, then lays the parts side by side: X [N, F] float. */
export function preparationGraph(graph: GraphBuilder, pipeline: PipelineJSON): { X: string; features: number } {
  let parts = inputParts(graph, pipeline.inputs);
  pipeline.steps.forEach((step, i) => {
    try {
      parts = convertStep(graph, step, parts);
    } catch (error) {
      if (error instanceof MlError) throw new MlError(`ONNX export: prepare step ${i + 1} (${step.step}): ${error.message}`);
      throw error;
    }
  });
  return assemble(graph, parts);
}

/** The parts as one [N, F] float tensor; a string column left over cannot reach a model. */
export function assemble(graph: GraphBuilder, parts: readonly OnnxPart[]): { X: string; features: number } {
  let features = 0;
  for (const part of parts) {
    if (part.type === 'column' && part.kind !== 'numeric') throw new MlError(`ONNX export: column "${part.name}" reaches the model unencoded`);
    features += part.type === 'column' ? 1 : part.names.length;
  }
  if (parts.length === 0) throw new MlError('ONNX export: no feature columns are left');
  const X =
    parts.length === 1
      ? (parts[0] as OnnxPart).tensor
      : graph.op(
          'Concat',
          parts.map((p) => p.tensor),
          { axis: 1 },
        );
  return { X, features };
}

type StepConverter = (graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]) => OnnxPart[];

/** Steps that ONNX cannot express, with the reason given to the user. */
const REFUSED: Readonly<Record<string, string>> = {
  text: 'text tokenisation and TF-IDF/count vectors have no ONNX operator that reproduces them',
  datetime: 'parsing dates from strings has no ONNX operator',
  coerce: 'converting values between text and numbers with mlwb’s parsing rules has no ONNX equivalent',
  embed:
    "its pretrained text encoder starts from the model's tokenizer (tokenizer.json: WordPiece, BPE or Unigram), which no ONNX operator reproduces, so encoder and model cannot be one graph that takes the raw text column; export with --format container or --format folder instead: both carry the encoder folder and embed the raw text at request time",
};

const CONVERTERS: Readonly<Record<string, StepConverter>> = {
  dropDuplicates: (_graph, _step, parts) => parts,
  dropMissing: (_graph, step, parts) => dropColumns(parts, step.state as string[]),
  drop: (_graph, step, parts) => dropColumns(parts, step.state as string[]),
  impute: convertImpute,
  scale: convertScale,
  clip: convertClip,
  onehot: convertOneHot,
  ordinal: convertOrdinal,
  select: convertSelect,
};

function convertStep(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const refused = REFUSED[step.step];
  if (refused) throw new MlError(`cannot be exported to ONNX: ${refused}`);
  const converter = CONVERTERS[step.step];
  if (!converter) throw new MlError(`cannot be exported to ONNX: no converter for step "${step.step}"`);
  return converter(graph, step, parts);
}

function dropColumns(parts: OnnxPart[], names: readonly string[]): OnnxPart[] {
  const dropped = new Set(names);
  return parts.filter((p) => p.type !== 'column' || !dropped.has(p.name));
}

/** Replaces the named columns by what `replace` returns. */
function mapNamed(parts: OnnxPart[], names: Iterable<string>, replace: (column: OnnxColumn) => OnnxPart): OnnxPart[] {
  const wanted = new Set(names);
  for (const name of wanted) {
    if (!parts.some((p) => p.type === 'column' && p.name === name)) throw new MlError(`column "${name}" is not in the graph at this step`);
  }
  return parts.map((p) => (p.type === 'column' && wanted.has(p.name) ? replace(p) : p));
}

function numericColumn(column: OnnxColumn, tensor: string): OnnxColumn {
  return { type: 'column', name: column.name, kind: 'numeric', tensor };
}

function convertImpute(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const fills = new Map((step.state as { name: string; value: number | string }[]).map((f) => [f.name, f.value]));
  return mapNamed(parts, fills.keys(), (column) => {
    const fill = fills.get(column.name) as number | string;
    // A string column imputed before has no missing value left: the first fill stands.
    if (column.kind !== 'numeric') return column.missingAs === undefined ? { ...column, missingAs: String(fill) } : column;
    const value = typeof fill === 'number' ? fill : Number(fill);
    const tensor = graph.ml('Imputer', [column.tensor], { imputed_value_floats: floats([value]), replaced_value_float: float(NaN) }, 'float', ['N', 1]);
    return numericColumn(column, tensor);
  });
}

function convertScale(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const scales = new Map((step.state as { name: string; center: number; scale: number }[]).map((s) => [s.name, s]));
  return mapNamed(parts, scales.keys(), (column) => {
    const { center, scale } = scales.get(column.name) as { center: number; scale: number };
    return numericColumn(column, graph.ml('Scaler', [column.tensor], { offset: floats([center]), scale: floats([1 / scale]) }, 'float', ['N', 1]));
  });
}

function convertClip(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const bounds = new Map((step.state as { name: string; low: number | null; high: number | null }[]).map((b) => [b.name, b]));
  return mapNamed(parts, bounds.keys(), (column) => {
    const { low, high } = bounds.get(column.name) as { low: number | null; high: number | null };
    // An all-missing training column has no bounds: its values pass unchanged.
    if (low === null || high === null) return column;
    const min = graph.floatConst(`${column.name}_low`, [], [low]);
    const max = graph.floatConst(`${column.name}_high`, [], [high]);
    return numericColumn(column, graph.op('Clip', [column.tensor, min, max]));
  });
}

/** A string column with missing values ("") replaced by the imputed value, when there is one. */
function withMissingFilled(graph: GraphBuilder, column: OnnxColumn, categories: readonly string[]): string {
  if (column.missingAs === undefined) return column.tensor;
  // LabelEncoder maps every known category to itself and "" to the fill; anything else to a value that is no category.
  const keys = [...categories.filter((c) => c !== ''), ''];
  const values = [...categories.filter((c) => c !== ''), column.missingAs];
  return graph.ml('LabelEncoder', [column.tensor], { keys_strings: keys, values_strings: values, default_string: '\u0000unseen' }, 'string', ['N', 1]);
}

function convertOneHot(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const fitted = new Map((step.state as { name: string; categories: string[] }[]).map((f) => [f.name, f.categories]));
  return mapNamed(parts, fitted.keys(), (column) => {
    const categories = fitted.get(column.name) as string[];
    const names = categories.map((c) => `${column.name}_${c}`);
    if (categories.length === 0) throw new MlError(`column "${column.name}" had no categories in training`);
    const k = categories.length;
    if (column.kind === 'numeric') {
      // Equal against each category's number: NaN and unseen values match none (all zeros), as in mlwb.
      const row = graph.floatConst(`${column.name}_categories`, [1, k], categories.map(Number));
      const equal = graph.op('Equal', [column.tensor, row]);
      return { type: 'block', names, tensor: graph.op('Cast', [equal], { to: 1 }) };
    }
    const source = withMissingFilled(graph, column, categories);
    const encoded = graph.ml('OneHotEncoder', [source], { cats_strings: categories, zeros: 1 }, 'float', ['N', 1, k]);
    const shape = graph.int64Const(`${column.name}_shape`, [2], [-1, k]);
    return { type: 'block', names, tensor: graph.op('Reshape', [encoded, shape]) };
  });
}

function convertOrdinal(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const unknown = typeof step.options.unknown_value === 'number' ? step.options.unknown_value : -1;
  const fitted = new Map((step.state as { name: string; categories: string[] }[]).map((f) => [f.name, f.categories]));
  return mapNamed(parts, fitted.keys(), (column) => {
    const categories = fitted.get(column.name) as string[];
    const codes = categories.map((_, j) => j);
    if (column.kind === 'numeric') {
      const encoded = graph.ml(
        'LabelEncoder',
        [column.tensor],
        {
          keys_floats: floats(categories.map(Number)),
          values_floats: floats(codes),
          default_float: float(unknown),
        },
        'float',
        ['N', 1],
      );
      // A missing number stays missing (NaN), not the unknown value.
      const nan = graph.floatConst(`${column.name}_nan`, [], [NaN]);
      return numericColumn(column, graph.op('Where', [graph.op('IsNaN', [column.tensor]), nan, encoded]));
    }
    const missingCode = column.missingAs === undefined ? NaN : categories.indexOf(column.missingAs) >= 0 ? categories.indexOf(column.missingAs) : unknown;
    const keys = [...categories, ...(categories.includes('') ? [] : [''])];
    const values = [...codes, ...(categories.includes('') ? [] : [missingCode])];
    const encoded = graph.ml('LabelEncoder', [column.tensor], { keys_strings: keys, values_floats: floats(values), default_float: float(unknown) }, 'float', [
      'N',
      1,
    ]);
    return numericColumn(column, encoded);
  });
}

type SelectState =
  | { readonly method: 'pca'; readonly inputs: string[]; readonly pca: PcaModel }
  | { readonly method: 'variance' | 'lasso'; readonly inputs: string[]; readonly keep: number[] };

function convertSelect(graph: GraphBuilder, step: StepJSON, parts: OnnxPart[]): OnnxPart[] {
  const state = step.state as SelectState;
  const { X, features } = assemble(graph, parts);
  if (features !== state.inputs.length) throw new MlError(`the graph has ${features} features here but the step was fitted on ${state.inputs.length}`);
  if (state.method === 'pca') {
    const { mean, components } = state.pca;
    const p = mean.length;
    const k = components.length;
    const centred = graph.op('Sub', [X, graph.floatConst('pca_mean', [1, p], mean)]);
    // components is k × p; the projection multiplies by its transpose (p × k).
    const axes = new Float64Array(p * k);
    components.forEach((axis, c) => axis.forEach((v, j) => (axes[j * k + c] = v)));
    const scores = graph.op('MatMul', [centred, graph.floatConst('pca_components', [p, k], axes)]);
    return [{ type: 'block', names: components.map((_, c) => `pca${c + 1}`), tensor: scores }];
  }
  const indices = graph.int64Const(`${state.method}_keep`, [state.keep.length], state.keep);
  return [{ type: 'block', names: state.keep.map((j) => state.inputs[j] as string), tensor: graph.op('Gather', [X, indices], { axis: 1 }) }];
}
