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

const SIMD = 0xfd;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Store: 0x36,
  if: 0x04,
  void: 0x40,
  i32: 0x7f,
  f64: 0x7c,
  v128: 0x7b,
};
const simd = {
  load: [SIMD, 0x00],
  store: [SIMD, 0x0b],
  const: [SIMD, 0x0c],
  splat: [SIMD, 0x14],
  le: [SIMD, 0x4b],
  ge: [SIMD, 0x4c],
  or: [SIMD, 0x50],
  anyTrue: [SIMD, 0x53],
  abs: [SIMD, 0xec, 0x01],
  add: [SIMD, 0xf0, 0x01],
  sub: [SIMD, 0xf1, 0x01],
  mul: [SIMD, 0xf2, 0x01],
};

function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsigned(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function name(text: string): number[] {
  return vector([...text].map((c) => [c.charCodeAt(0)]));
}

/** memarg: 16-byte alignment, `offset`. */
function memarg(offset: number): number[] {
  return [4, ...unsigned(offset)];
}

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
  code.push(op.end, op.localGet, KEPT, op.end);
  const locals = vector([
    [4, op.i32],
    [7, op.v128],
  ]);
  const fn = [...locals, ...code];
  return [...unsigned(fn.length), ...fn];
}

const KERNELS: readonly KernelName[] = ['squared', 'absolute', 'dot'];

/** The module's bytes. */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vector([[op.i32], [op.i32], [op.i32], [op.i32], [op.i32], [op.i32], [op.f64]]), ...vector([[op.i32]])];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([type])),
    ...section(3, vector(KERNELS.map(() => [0]))),
    ...section(5, vector([[0x00, 1]])),
    ...section(7, vector([[...name('memory'), 0x02, 0], ...KERNELS.map((kernel, i) => [...name(kernel), 0x00, i])])),
    ...section(10, vector(KERNELS.map(body))),
  ];
  return new Uint8Array(bytes);
}

let compiled: WebAssembly.Module | null | undefined;

/** A fresh instance of the kernels (its own memory), or undefined where WebAssembly SIMD is not available. */
export function simdKernels(): SimdKernels | undefined {
  if (compiled === undefined) {
    try {
      const bytes = simdModuleBytes();
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  const exports = new WebAssembly.Instance(compiled).exports as unknown as Record<KernelName, SimdKernels['run']['squared']> & { memory: WebAssembly.Memory };
  return { memory: exports.memory, run: { squared: exports.squared, absolute: exports.absolute, dot: exports.dot } };
}
