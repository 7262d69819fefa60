/**
 * The inner loop of the dense knn search in WebAssembly SIMD: one query against a block of training
 * rows, two rows per 128-bit lane pair and eight rows per step, so four independent sums run at once.
 * Each row's sum is taken over its columns in order with the same operations as the JavaScript loop
 * (acc + t·t, acc + |t|, acc + x·q; WebAssembly does not fuse them), so both give the same doubles.
 * The module is a few hundred bytes assembled below; where WebAssembly SIMD is missing the search
 * keeps to JavaScript.
 *
 * A block's groups none of whose rows can enter the query's k nearest are left out in the kernel, so
 * JavaScript only looks at the few that can.
 *
 * Training rows are laid out in groups of 8: group g, column j holds rows 8g..8g+7 as four f64x2
 * vectors (64 bytes), so a step loads them at fixed offsets. The query is stored with each value
 * twice (one f64x2 per column).
 */
import { compileOnce, functionBody, functionType, memarg, moduleBytes, op, signed, simd as simdOp } from '../wasm';

/** The kernels by name: euclidean's squared sum, manhattan's absolute sum and cosine's dot product. */
export type KernelName = 'squared' | 'absolute' | 'dot';

export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  /**
   * kernel(rows, query, out, groups, cols, list, threshold): sums `groups` groups of 8 rows from byte
   * offset `rows` against the query; each group with a sum ≤ threshold (dot: ≥) gets its 8 sums
   * written at `out` (64 bytes each, in turn) and its number (from 0) at `list` (4 bytes each).
   * Returns how many groups it kept.
   */
  readonly run: Readonly<
    Record<KernelName, (rows: number, query: number, out: number, groups: number, cols: number, list: number, threshold: number) => number>
  >;
}

// The knn kernels' names for the assembler's SIMD opcodes.
const simd = {
  load: simdOp.load,
  store: simdOp.store,
  const: simdOp.const,
  splat: simdOp.f64x2Splat,
  le: simdOp.f64x2Le,
  ge: simdOp.f64x2Ge,
  or: simdOp.or,
  anyTrue: simdOp.anyTrue,
  abs: simdOp.f64x2Abs,
  add: simdOp.f64x2Add,
  sub: simdOp.f64x2Sub,
  mul: simdOp.f64x2Mul,
};

// Parameters: 0 rows pointer, 1 query pointer, 2 out pointer, 3 groups, 4 cols, 5 list pointer, 6 threshold.
// Locals: 7 columns left, 8 query pointer, 9 groups kept, 10 group number, 11–14 the four sums,
// 15 query vector, 16 difference, 17 threshold vector.
const ROWS = 0;
const QUERY = 1;
const OUT = 2;
const GROUPS = 3;
const COLS = 4;
const LIST = 5;
const THRESHOLD = 6;
const LEFT = 7;
const QP = 8;
const KEPT = 9;
const GROUP = 10;
const SUMS = [11, 12, 13, 14];
const QV = 15;
const T = 16;
const TV = 17;

/** One step's term for the rows vector on the stack, with the query vector in QV. */
function term(kernel: KernelName): number[] {
  if (kernel === 'dot') return [op.localGet, QV, ...simd.mul];
  if (kernel === 'absolute') return [op.localGet, QV, ...simd.sub, ...simd.abs];
  return [op.localGet, QV, ...simd.sub, op.localTee, T, op.localGet, T, ...simd.mul];
}

/**
 * Sums each group's 8 rows; a group with a sum that passes the threshold (≤ it; for the dot
 * product ≥ it) has its 8 sums written at out and its number in the list, and is counted.
 */
function body(kernel: KernelName): number[] {
  const passes = kernel === 'dot' ? simd.ge : simd.le;
  const code: number[] = [];
  code.push(op.localGet, THRESHOLD, ...simd.splat, op.localSet, TV);
  code.push(op.block, op.void, op.localGet, GROUPS, op.i32Eqz, op.brIf, 0);
  code.push(op.loop, op.void);
  for (const sum of SUMS) code.push(...simd.const, ...new Array<number>(16).fill(0), op.localSet, sum);
  code.push(op.localGet, QUERY, op.localSet, QP, op.localGet, COLS, op.localSet, LEFT);
  code.push(op.loop, op.void);
  code.push(op.localGet, QP, ...simd.load, ...memarg(0), op.localSet, QV);
  SUMS.forEach((sum, k) => {
    code.push(op.localGet, sum, op.localGet, ROWS, ...simd.load, ...memarg(16 * k), ...term(kernel), ...simd.add, op.localSet, sum);
  });
  code.push(op.localGet, ROWS, op.i32Const, ...signed(64), op.i32Add, op.localSet, ROWS);
  code.push(op.localGet, QP, op.i32Const, ...signed(16), op.i32Add, op.localSet, QP);
  code.push(op.localGet, LEFT, op.i32Const, ...signed(1), op.i32Sub, op.localTee, LEFT, op.brIf, 0, op.end);
  SUMS.forEach((sum, k) => {
    code.push(op.localGet, sum, op.localGet, TV, ...passes);
    if (k > 0) code.push(...simd.or);
  });
  code.push(...simd.anyTrue, op.if, op.void);
  SUMS.forEach((sum, k) => code.push(op.localGet, OUT, op.localGet, sum, ...simd.store, ...memarg(16 * k)));
  code.push(op.localGet, OUT, op.i32Const, ...signed(64), op.i32Add, op.localSet, OUT);
  code.push(op.localGet, LIST, op.localGet, GROUP, op.i32Store, 2, 0);
  code.push(op.localGet, LIST, op.i32Const, ...signed(4), op.i32Add, op.localSet, LIST);
  code.push(op.localGet, KEPT, op.i32Const, ...signed(1), op.i32Add, op.localSet, KEPT);
  code.push(op.end);
  code.push(op.localGet, GROUP, op.i32Const, ...signed(1), op.i32Add, op.localSet, GROUP);
  code.push(op.localGet, GROUPS, op.i32Const, ...signed(1), op.i32Sub, op.localTee, GROUPS, op.brIf, 0, op.end);
  code.push(op.end, op.localGet, KEPT);
  return functionBody(
    [
      [4, op.i32],
      [7, op.v128],
    ],
    code,
  );
}

const KERNELS: readonly KernelName[] = ['squared', 'absolute', 'dot'];

/** The module's bytes. */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const i32 = op.i32;
  return moduleBytes({
    types: [functionType([i32, i32, i32, i32, i32, i32, op.f64], [i32])],
    functions: KERNELS.map((kernel) => ({ type: 0, name: kernel, body: body(kernel) })),
    memory: { own: true, pages: 1 },
  });
}

const cache: { module?: WebAssembly.Module | null } = {};

/** A fresh instance of the kernels (its own memory), or undefined where WebAssembly SIMD is not available. */
export function simdKernels(): SimdKernels | undefined {
  const compiled = compileOnce(simdModuleBytes, cache);
  if (compiled === null) return undefined;
  const exports = new WebAssembly.Instance(compiled).exports as unknown as Record<KernelName, SimdKernels['run']['squared']> & { memory: WebAssembly.Memory };
  return { memory: exports.memory, run: { squared: exports.squared, absolute: exports.absolute, dot: exports.dot } };
}
