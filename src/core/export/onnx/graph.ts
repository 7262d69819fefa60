/**
 * A small builder of ONNX graphs on onnx-proto's message classes: named constants, nodes of the
 * standard and `ai.onnx.ml` domains, typed inputs and outputs, and the serialised model. Versions
 * stay within what Debian's python3-onnx 1.12 checks: IR 8, opset 17, ai.onnx.ml 3.
 */
import { onnx } from 'onnx-proto';

export const IR_VERSION = 8;
export const OPSET = 17;
export const ML_OPSET = 3;
export const ML = 'ai.onnx.ml';

export type AttributeValue =
  number | string | number[] | string[] | { readonly float: number } | { readonly floats: readonly number[] } | { readonly ints: readonly number[] };

/** Element types used here. */
export type ElementType = 'float' | 'string' | 'int64' | 'bool';

const DATA_TYPES: Record<ElementType, onnx.TensorProto.DataType> = {
  float: onnx.TensorProto.DataType.FLOAT,
  string: onnx.TensorProto.DataType.STRING,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a size, or a symbolic name such as 'N'. */
export type Dimension = number | string;

const encoder = new TextEncoder();

/** Floats as `floats` (an attribute of float list, even when all are integers). */
export function floats(values: ArrayLike<number>): { floats: number[] } {
  return { floats: Array.from(values) };
}

/** One float attribute (an integral value would otherwise be written as an int). */
export function float(value: number): { float: number } {
  return { float: value };
}

/** Integers as `ints` (an attribute of int list). */
export function ints(values: ArrayLike<number>): { ints: number[] } {
  return { ints: Array.from(values) };
}

/** The graph being built; names are made unique by `fresh`. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly valueInfos: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A name not used yet, starting with `hint`. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, '_') || 't';
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Declares a graph input with its exact name (column names become input names). */
  input(name: string, type: ElementType, shape: readonly Dimension[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Declares a graph output; `tensor` must be produced under that exact name. */
  output(name: string, type: ElementType, shape: readonly Dimension[]): void {
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** Reserves an exact name (a graph output's) so `fresh` never hands it out. */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A float constant of the given shape. */
  floatConst(hint: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: DATA_TYPES.float, floatData: Array.from(values) }));
    return name;
  }

  /** An int64 constant of the given shape. */
  int64Const(hint: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: DATA_TYPES.int64, int64Data: Array.from(values) }));
    return name;
  }

  /** A string constant of the given shape. */
  stringConst(hint: string, dims: readonly number[], values: readonly string[]): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: DATA_TYPES.string, stringData: values.map((v) => encoder.encode(v)) }));
    return name;
  }

  /** Adds a node; returns its outputs (fresh names from `outputs` hints unless `exact`). */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number,
    attributes: Readonly<Record<string, AttributeValue>> = {},
    domain = '',
  ): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : [...outputs];
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        domain,
        name: this.fresh(`${opType}_node`),
        input: [...inputs],
        output: names,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return names;
  }

  /** One-output node with a fresh output name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, domain = ''): string {
    return this.node(opType, inputs, [this.fresh(opType.toLowerCase())], attributes, domain)[0] as string;
  }

  /**
   * One-output node of the ai.onnx.ml domain, with its output's type and shape declared: the
   * checker's strict shape inference knows no output type for several of these operators.
   */
  ml(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>, type: ElementType, shape: readonly Dimension[]): string {
    const output = this.op(opType, inputs, attributes, ML);
    this.declare(output, type, shape);
    return output;
  }

  /** Declares an intermediate tensor's type and shape (value_info). */
  declare(name: string, type: ElementType, shape: readonly Dimension[]): void {
    this.valueInfos.push(valueInfo(name, type, shape));
  }

  /** The serialised ModelProto. */
  encode(graphName: string, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'ML Workbench',
      producerVersion: '1',
      docString,
      opsetImport: [
        { domain: '', version: OPSET },
        { domain: ML, version: ML_OPSET },
      ],
      graph: onnx.GraphProto.create({
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
        valueInfo: this.valueInfos,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElementType, shape: readonly Dimension[]): onnx.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: encoder.encode(value) };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { name, type: A.STRINGS, strings: (value as string[]).map((v) => encoder.encode(v)) };
    return { name, type: A.INTS, ints: value as number[] };
  }
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: A.FLOATS, floats: [...value.floats] };
  return { name, type: A.INTS, ints: [...value.ints] };
}
