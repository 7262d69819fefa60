/**
 * A training's splits (TrainSplits) as bytes, for the coordinator to put into Redis once and every
 * worker to score on: a JSON header of sizes, then each split's test rows as little-endian uint32.
 * A split's training rows are the other rows of its set, ascending (as every split is built).
 */
import type { Split } from '../validation';
import type { TrainSplits } from '../experiment/train';
import { MlError } from '../types';

interface SplitSetHeader {
  /** Rows the set's indices count. */
  readonly n: number;
  /** Test rows of each split. */
  readonly tests: number[];
}

interface SplitsHeader {
  readonly format: 'mlwb-splits-1';
  readonly rows: number;
  readonly validation: SplitSetHeader;
  readonly search?: SplitSetHeader;
  readonly rounds?: { readonly candidates: number; readonly sample?: number; readonly splits: SplitSetHeader }[];
}

/** Encodes a training's splits. */
export function encodeSplits(splits: TrainSplits): Buffer {
  const arrays: (readonly number[])[] = [];
  const set = (list: readonly Split[]): SplitSetHeader => {
    const first = list[0];
    const n = first ? first.train.length + first.test.length : 0;
    for (const split of list) arrays.push(split.test);
    return { n, tests: list.map((split) => split.test.length) };
  };
  const validation = set(splits.validation);
  const search = splits.search ? set(splits.search) : undefined;
  const rounds = splits.rounds?.map((round) => {
    if (round.sample) arrays.push(round.sample);
    return { candidates: round.candidates, ...(round.sample ? { sample: round.sample.length } : {}), splits: set(round.splits) };
  });
  const header: SplitsHeader = { format: 'mlwb-splits-1', rows: splits.rows, validation, ...(search ? { search } : {}), ...(rounds ? { rounds } : {}) };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const total = arrays.reduce((a, list) => a + list.length, 0);
  const out = Buffer.alloc(4 + headerBytes.length + 4 * total);
  out.writeUInt32LE(headerBytes.length, 0);
  headerBytes.copy(out, 4);
  let offset = 4 + headerBytes.length;
  for (const list of arrays) {
    for (const value of list) {
      out.writeUInt32LE(value, offset);
      offset += 4;
    }
  }
  return out;
}

/** Decodes what encodeSplits wrote, checking every index against its set's size. */
export function decodeSplits(bytes: Buffer): TrainSplits {
  const headerLength = bytes.length >= 4 ? bytes.readUInt32LE(0) : -1;
  if (headerLength < 0 || 4 + headerLength > bytes.length) throw new MlError("the sweep's splits are not readable (truncated)");
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as SplitsHeader;
  if (header.format !== 'mlwb-splits-1') throw new MlError(`the sweep's splits are in an unknown format ${String(header.format)}`);
  let offset = 4 + headerLength;
  const take = (count: number, below: number): number[] => {
    if (offset + 4 * count > bytes.length) throw new MlError("the sweep's splits are not readable (truncated)");
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const value = bytes.readUInt32LE(offset + 4 * i);
      if (value >= below) throw new MlError(`the sweep's splits name row ${value} of ${below}`);
      values[i] = value;
    }
    offset += 4 * count;
    return values;
  };
  const set = (set: SplitSetHeader): Split[] =>
    set.tests.map((count) => {
      const test = take(count, set.n);
      const inTest = new Uint8Array(set.n);
      for (const i of test) inTest[i] = 1;
      const train: number[] = [];
      for (let i = 0; i < set.n; i++) if (!inTest[i]) train.push(i);
      return { train, test };
    });
  const validation = set(header.validation);
  const search = header.search ? set(header.search) : undefined;
  // Halving samples count the search's rows: the hold-out's training rows, or all rows.
  const searchRows = header.validation.tests.length === 1 ? header.rows - (header.validation.tests[0] ?? 0) : header.rows;
  const rounds = header.rounds?.map((round) => {
    const sample = round.sample !== undefined ? take(round.sample, searchRows) : undefined;
    return { candidates: round.candidates, ...(sample ? { sample } : {}), splits: set(round.splits) };
  });
  return { rows: header.rows, validation, ...(search ? { search } : {}), ...(rounds ? { rounds } : {}) };
}
