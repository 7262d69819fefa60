/**
 * A small WebAssembly assembler for the SIMD kernels (knn distances, boosting histograms): opcodes,
 * LEB128 encoding and module sections. The kernels are a few hundred bytes written as code here,
 * so the extension ships no binary and needs no toolchain.
 */

export const SIMD_PREFIX = 0xfd;

/** Core opcodes and value types. */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Ge: 0x66,
  i32And: 0x71,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64PromoteF32: 0xbb,
  void: 0x40,
  i32: 0x7f,
  f64: 0x7c,
  v128: 0x7b,
} as const;

/** SIMD opcodes (prefix and LEB128 index). */
export const simd = {
  load: [SIMD_PREFIX, 0x00],
  store: [SIMD_PREFIX, 0x0b],
  const: [SIMD_PREFIX, 0x0c],
  f64x2Splat: [SIMD_PREFIX, 0x14],
  f64x2ExtractLane: [SIMD_PREFIX, 0x21],
  f64x2ReplaceLane: [SIMD_PREFIX, 0x22],
  f64x2Le: [SIMD_PREFIX, 0x4b],
  f64x2Ge: [SIMD_PREFIX, 0x4c],
  or: [SIMD_PREFIX, 0x50],
  anyTrue: [SIMD_PREFIX, 0x53],
  f64x2Abs: [SIMD_PREFIX, 0xec, 0x01],
  f64x2Neg: [SIMD_PREFIX, 0xed, 0x01],
  f64x2Add: [SIMD_PREFIX, 0xf0, 0x01],
  f64x2Sub: [SIMD_PREFIX, 0xf1, 0x01],
  f64x2Mul: [SIMD_PREFIX, 0xf2, 0x01],
  f64x2Div: [SIMD_PREFIX, 0xf3, 0x01],
} as const;

export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signed(value: number): number[] {
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

/** The 8 little-endian bytes of a float64 (f64.const's immediate). */
export function float64(value: number): number[] {
  return [...new Uint8Array(Float64Array.of(value).buffer)];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...unsigned(body.length), ...body];
}

export function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  return vector([...text].map((c) => [c.charCodeAt(0)]));
}

/** memarg: alignment 2^`align`, `offset`. */
export function memarg(offset: number, align = 4): number[] {
  return [align, ...unsigned(offset)];
}

/** A function's body: its locals as [count, type] runs, then its code (without the final `end`). */
export function functionBody(locals: [number, number][], code: number[]): number[] {
  const fn = [...vector(locals), ...code, op.end];
  return [...unsigned(fn.length), ...fn];
}

/** A function type: parameter and result value types. */
export function functionType(params: number[], results: number[]): number[] {
  return [0x60, ...vector(params.map((p) => [p])), ...vector(results.map((r) => [r]))];
}

export interface ModuleParts {
  /** Distinct function types. */
  readonly types: number[][];
  /** Each function's type index, name (exported) and body (functionBody). */
  readonly functions: { readonly type: number; readonly name: string; readonly body: number[] }[];
  /**
   * The memory: its own, exported as "memory" with `pages` initial pages; or imported as env.memory of
   * at least `pages` pages, shared between threads when `shared` (then up to 4 GiB).
   */
  readonly memory: { readonly own: true; readonly pages: number } | { readonly own: false; readonly pages: number; readonly shared?: boolean };
}

/** The bytes of a module of exported functions over one memory. */
export function moduleBytes(parts: ModuleParts): Uint8Array<ArrayBuffer> {
  const { types, functions, memory } = parts;
  const sections: number[][] = [section(1, vector(types))];
  if (!memory.own) {
    const limits = memory.shared ? [0x03, ...unsigned(memory.pages), ...unsigned(65536)] : [0x00, ...unsigned(memory.pages)];
    sections.push(section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])));
  }
  sections.push(section(3, vector(functions.map((f) => unsigned(f.type)))));
  if (memory.own) sections.push(section(5, vector([[0x00, ...unsigned(memory.pages)]])));
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...unsigned(i)]);
  if (memory.own) exports.unshift([...name('memory'), 0x02, 0]);
  sections.push(section(7, vector(exports)));
  sections.push(section(10, vector(functions.map((f) => f.body))));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

/** Compiles `bytes` once (cached in `cache`); null where WebAssembly or its SIMD is missing. */
export function compileOnce(bytes: () => Uint8Array<ArrayBuffer>, cache: { module?: WebAssembly.Module | null }): WebAssembly.Module | null {
  if (cache.module === undefined) {
    try {
      const code = bytes();
      cache.module = typeof WebAssembly === 'object' && WebAssembly.validate(code) ? new WebAssembly.Module(code) : null;
    } catch {
      cache.module = null;
    }
  }
  return cache.module;
}
