/** Row splits for validation: hold-out, k-fold and stratified k-fold, seeded, as index arrays. */
import { Random } from '../random';
import { MlError } from '../types';

/** Row indices (ascending) used to fit and to score. */
export interface Split {
  readonly train: number[];
  readonly test: number[];
}

/** Shuffle rows (seeded) before cutting folds, or not (scikit-learn's default; experiments default to shuffling). */
export type FoldOptions = { readonly shuffle?: false } | { readonly shuffle: true; readonly seed: number };

function checkFolds(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) throw new MlError(`validation.folds: must be an integer >= 2, got ${k}`);
  if (k > n) throw new MlError(`validation.folds: ${k} folds need at least ${k} rows, the data has ${n}`);
}

function complement(n: number, test: readonly number[]): number[] {
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!inTest[i]) train.push(i);
  return train;
}

/** K folds of consecutive rows (after an optional seeded shuffle); the first n % k folds get one row more, as in scikit-learn. */
export function kFold(n: number, k: number, options: FoldOptions = {}): Split[] {
  checkFolds(k, n);
  const order = Array.from({ length: n }, (_, i) => i);
  if (options.shuffle) new Random(options.seed).shuffle(order);
  const splits: Split[] = [];
  let start = 0;
  for (let fold = 0; fold < k; fold++) {
    const size = Math.floor(n / k) + (fold < n % k ? 1 : 0);
    const test = order.slice(start, start + size).sort((a, b) => a - b);
    start += size;
    splits.push({ train: complement(n, test), test });
  }
  return splits;
}

/**
 * K folds that keep each class's share, by scikit-learn's StratifiedKFold allocation: classes are
 * dealt round robin over the folds, then each class's rows take their fold in order (or shuffled).
 * Without shuffle the folds equal scikit-learn's exactly.
 */
export function stratifiedKFold(y: readonly string[], k: number, options: FoldOptions = {}): Split[] {
  const n = y.length;
  checkFolds(k, n);
  // Classes are numbered by first appearance, as scikit-learn does, so the allocation matches it.
  const classOf = new Map<string, number>();
  const encoded = y.map((label) => {
    let code = classOf.get(label);
    if (code === undefined) {
      code = classOf.size;
      classOf.set(label, code);
    }
    return code;
  });
  const classes = classOf.size;
  const counts = new Array<number>(classes).fill(0);
  for (const c of encoded) counts[c] = (counts[c] as number) + 1;
  if (counts.every((c) => c < k)) {
    throw new MlError(`validation.folds: ${k} stratified folds need a class with at least ${k} rows; the largest has ${Math.max(...counts)}`);
  }
  const sorted = [...encoded].sort((a, b) => a - b);
  const allocation = Array.from({ length: k }, (_, fold) => {
    const row = new Array<number>(classes).fill(0);
    for (let i = fold; i < n; i += k) {
      const c = sorted[i] as number;
      row[c] = (row[c] as number) + 1;
    }
    return row;
  });
  const random = options.shuffle ? new Random(options.seed) : undefined;
  const testFold = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    const foldsForClass: number[] = [];
    for (let fold = 0; fold < k; fold++) for (let r = 0; r < ((allocation[fold] as number[])[c] as number); r++) foldsForClass.push(fold);
    random?.shuffle(foldsForClass);
    let next = 0;
    for (let i = 0; i < n; i++) if (encoded[i] === c) testFold[i] = foldsForClass[next++] as number;
  }
  return Array.from({ length: k }, (_, fold) => {
    const test: number[] = [];
    for (let i = 0; i < n; i++) if (testFold[i] === fold) test.push(i);
    return { train: complement(n, test), test };
  });
}

export interface HoldoutOptions {
  /** A fraction in (0, 1), or a whole number of rows, as scikit-learn's test_size. */
  readonly testSize?: number;
  /** Class labels to keep the shares of (stratified hold-out). */
  readonly stratify?: readonly string[];
  /** The run's seed (trainExperiment settles it). */
  readonly seed: number;
}

/** Number of test rows for test_size: ceil(fraction × n), or the count itself. */
export function testRowCount(n: number, testSize: number): number {
  if (!(testSize > 0)) throw new MlError(`validation.test_size: must be > 0, got ${testSize}`);
  const count = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!Number.isInteger(count)) throw new MlError(`validation.test_size: a row count must be a whole number, got ${testSize}`);
  if (count >= n) throw new MlError(`validation.test_size: ${testSize} leaves no training rows out of ${n}`);
  return count;
}

/** A seeded random hold-out split; stratified, each class gives its share of test rows (largest remainders first). */
export function holdoutSplit(n: number, options: HoldoutOptions): Split {
  const testCount = testRowCount(n, options.testSize ?? 0.2);
  const random = new Random(options.seed);
  const y = options.stratify;
  if (!y) {
    const inTest = new Uint8Array(n);
    for (const row of random.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, testCount)) inTest[row] = 1;
    return splitByMark(inTest);
  }
  if (y.length !== n) throw new MlError(`validation: stratify labels have ${y.length} values for ${n} rows`);
  const rowsOf = new Map<string, number[]>();
  y.forEach((label, i) => {
    const rows = rowsOf.get(label);
    if (rows) rows.push(i);
    else rowsOf.set(label, [i]);
  });
  const groups = [...rowsOf.entries()];
  const small = groups.find(([, rows]) => rows.length < 2);
  if (small) throw new MlError(`validation.stratify: class "${small[0]}" has a single row, too few to stratify; set stratify: false`);
  if (testCount < groups.length) {
    throw new MlError(`validation.test_size: ${testCount} test rows cannot hold all ${groups.length} classes; raise test_size or set stratify: false`);
  }
  // Floors of each class's share, then the rows left over go to the largest fractional remainders.
  const shares = groups.map(([, rows]) => (testCount * rows.length) / n);
  const take = shares.map(Math.floor);
  let left = testCount - take.reduce((a, b) => a + b, 0);
  const byRemainder = shares
    .map((s, i) => i)
    .sort((a, b) => (shares[b] as number) - Math.floor(shares[b] as number) - ((shares[a] as number) - Math.floor(shares[a] as number)) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    take[i] = (take[i] as number) + 1;
    left--;
  }
  // One mark per row (spreading a class's hundreds of thousands of rows as arguments overflows the call stack).
  const inTest = new Uint8Array(n);
  groups.forEach(([, rows], i) => {
    for (const row of random.shuffle([...rows]).slice(0, take[i])) inTest[row] = 1;
  });
  return splitByMark(inTest);
}

/** Test rows (marked) and training rows, each ascending: what sorting the test rows and taking their complement gives, in one pass. */
function splitByMark(inTest: Uint8Array): Split {
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < inTest.length; i++) {
    if (inTest[i] === 1) test.push(i);
    else train.push(i);
  }
  return { train, test };
}
