/** Parameter spaces of a search: lists of values and ranges, expanded to candidate parameter sets. */
import { Random } from '../random';
import { MlError } from '../types';

/** One parameter value as an experiment file can write it (`hidden_layer_sizes: [64, 32]` is one value). */
export type ParamValue = number | string | boolean | null | readonly (number | string)[];
export type Params = Record<string, ParamValue>;

/** A continuous or integer range; randint's high is exclusive, as in scipy. */
export type ParamRange =
  { readonly loguniform: readonly [number, number] } | { readonly uniform: readonly [number, number] } | { readonly randint: readonly [number, number] };

export type ParamSpace = Readonly<Record<string, readonly ParamValue[] | ParamRange>>;

const RANGE_KINDS = ['loguniform', 'uniform', 'randint'] as const;
type RangeKind = (typeof RANGE_KINDS)[number];

/** The kind and bounds of a range, or undefined for a list of values. */
export function rangeOf(entry: readonly ParamValue[] | ParamRange): { kind: RangeKind; low: number; high: number } | undefined {
  if (Array.isArray(entry)) return undefined;
  const record = entry as Record<string, readonly [number, number]>;
  const kind = RANGE_KINDS.find((k) => k in record);
  if (!kind) return undefined;
  const [low, high] = record[kind] as readonly [number, number];
  return { kind, low, high };
}

/** Problems of a space, each with the key path under `search.params`; empty when valid. */
export function spaceProblems(space: unknown, path = 'search.params'): string[] {
  if (typeof space !== 'object' || space === null || Array.isArray(space)) return [`${path}: must be an object of parameter name → list of values or range`];
  const problems: string[] = [];
  const entries = Object.entries(space as Record<string, unknown>);
  if (entries.length === 0) problems.push(`${path}: names no parameter to search`);
  for (const [name, entry] of entries) {
    const where = `${path}.${name}`;
    if (Array.isArray(entry)) {
      if (entry.length === 0) problems.push(`${where}: the list of values is empty`);
      continue;
    }
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where}: must be a list of values or a range such as { loguniform: [0.001, 100] }`);
      continue;
    }
    const keys = Object.keys(entry);
    const kind = RANGE_KINDS.find((k) => keys.length === 1 && keys[0] === k);
    const bounds = kind ? (entry as Record<string, unknown>)[kind] : undefined;
    if (!kind || !Array.isArray(bounds) || bounds.length !== 2 || !bounds.every((b) => typeof b === 'number' && Number.isFinite(b))) {
      problems.push(`${where}: a range is { loguniform | uniform | randint: [low, high] } with two numbers`);
      continue;
    }
    const [low, high] = bounds as [number, number];
    if (!(low < high)) problems.push(`${where}.${kind}: low must be below high, got [${low}, ${high}]`);
    if (kind === 'loguniform' && low <= 0) problems.push(`${where}.loguniform: bounds must be > 0, got ${low}`);
    if (kind === 'randint' && (!Number.isInteger(low) || !Number.isInteger(high))) problems.push(`${where}.randint: bounds must be integers`);
  }
  return problems;
}

function checkSpace(space: ParamSpace): void {
  const problems = spaceProblems(space);
  if (problems.length > 0) throw new MlError(problems.join('; '));
}

/** Parameter names in the order scikit-learn's ParameterGrid uses (sorted). */
function sortedNames(space: ParamSpace): string[] {
  return Object.keys(space).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function lists(space: ParamSpace, method: string): [string, readonly ParamValue[]][] {
  return sortedNames(space).map((name) => {
    const entry = space[name] as readonly ParamValue[] | ParamRange;
    if (!Array.isArray(entry)) throw new MlError(`search.params.${name}: ${method} search needs a list of values; ranges are for random search`);
    return [name, entry as readonly ParamValue[]];
  });
}

/** Number of combinations of a space of lists. */
export function gridSize(space: ParamSpace): number {
  return lists(space, 'grid').reduce((a, [, values]) => a * values.length, 1);
}

/** The combination at position `index` of the grid: names sorted, the last name varying fastest (ParameterGrid's order). */
function gridAt(columns: [string, readonly ParamValue[]][], index: number): Params {
  const params: Params = {};
  let rest = index;
  for (let c = columns.length - 1; c >= 0; c--) {
    const [name, values] = columns[c] as [string, readonly ParamValue[]];
    params[name] = values[rest % values.length] as ParamValue;
    rest = Math.floor(rest / values.length);
  }
  // Rebuild with keys in sorted order so candidates print the way ParameterGrid's dicts do.
  return Object.fromEntries(columns.map(([name]) => [name, params[name] as ParamValue]));
}

/** Every combination of a space of lists, in scikit-learn's ParameterGrid order. */
export function gridCandidates(space: ParamSpace): Params[] {
  checkSpace(space);
  const columns = lists(space, 'grid');
  const size = columns.reduce((a, [, values]) => a * values.length, 1);
  return Array.from({ length: size }, (_, i) => gridAt(columns, i));
}

function draw(entry: readonly ParamValue[] | ParamRange, random: Random): ParamValue {
  const range = rangeOf(entry);
  if (!range) {
    const values = entry as readonly ParamValue[];
    return values[random.int(values.length)] as ParamValue;
  }
  const u = random.next();
  if (range.kind === 'uniform') return range.low + u * (range.high - range.low);
  if (range.kind === 'randint') return range.low + Math.floor(u * (range.high - range.low));
  return Math.exp(Math.log(range.low) + u * (Math.log(range.high) - Math.log(range.low)));
}

/**
 * `nIter` seeded random candidates. When every parameter is a list they are drawn from the grid
 * without replacement (at most the grid's size), as scikit-learn's ParameterSampler does; with ranges,
 * each parameter is drawn independently.
 */
export function randomCandidates(space: ParamSpace, nIter: number, seed: number): Params[] {
  checkSpace(space);
  if (!Number.isInteger(nIter) || nIter < 1) throw new MlError(`search.n_iter: must be an integer >= 1, got ${nIter}`);
  const random = new Random(seed);
  const names = sortedNames(space);
  const allLists = names.every((name) => Array.isArray(space[name]));
  if (allLists) {
    const columns = lists(space, 'random');
    const size = columns.reduce((a, [, values]) => a * values.length, 1);
    const count = Math.min(nIter, size);
    // Partial Fisher–Yates over grid positions, stored sparsely so huge grids cost nothing.
    const swapped = new Map<number, number>();
    const picks: Params[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + random.int(size - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      picks.push(gridAt(columns, atJ));
    }
    return picks;
  }
  return Array.from({ length: nIter }, () => Object.fromEntries(names.map((name) => [name, draw(space[name] as readonly ParamValue[] | ParamRange, random)])));
}
