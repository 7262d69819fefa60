/**
 * The x axis of a "parameter against score" chart of a sweep: logarithmic for a parameter the
 * search space draws log-uniformly (or a list of positive values spanning two decades or more),
 * one slot per value for choices (strings, booleans, lists), linear otherwise; ticks at round
 * values whose labels do not overlap, and bounds that hold every trial. Pure, so the webview and
 * the tests share it.
 */
import { formatParamNumber, formatParamValue } from '../runs/display';
import { rangeOf, type ParamRange, type ParamValue } from './space';

export type AxisKind = 'log' | 'linear' | 'category';

export interface AxisTick {
  readonly value: number;
  readonly label: string;
}

export interface ParamAxis {
  readonly kind: AxisKind;
  /** Bounds of the drawn axis (for categories, slot −0.5 to n − 0.5): every point lies inside. */
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly AxisTick[];
  /** Category axes: the label of each slot, slot i at x = i. */
  readonly categories?: readonly string[];
  /** Why the axis is what it is, for the chart's subtitle: "log scale (loguniform)". */
  readonly reason: string;
}

/** Roughly how wide a tick label's character and the gap between labels are, in pixels. */
const CHAR_PX = 7;
const GAP_PX = 8;

/** The x position of a value on the axis, 0 at `min` and 1 at `max`. */
export function axisFraction(axis: ParamAxis, x: number): number {
  if (axis.kind === 'log') return (Math.log10(x) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (x - axis.min) / (axis.max - axis.min);
}

/** A numeric value where the chart draws it: a category's slot, the number itself otherwise. */
export function axisPosition(axis: ParamAxis, value: ParamValue | undefined): number | undefined {
  if (axis.kind === 'category') {
    const slot = axis.categories?.indexOf(formatParamValue(value)) ?? -1;
    return slot >= 0 ? slot : undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) && (axis.kind !== 'log' || value > 0) ? value : undefined;
}

/** Keeps ticks, in order, whose labels (centred on the tick) leave a gap to the last kept one on an axis `widthPx` wide. */
function withoutOverlaps(axis: Omit<ParamAxis, 'ticks'>, ticks: readonly AxisTick[], widthPx: number): AxisTick[] {
  const kept: AxisTick[] = [];
  for (const tick of ticks) {
    const last = kept[kept.length - 1];
    const position = axisFraction({ ...axis, ticks: [] }, tick.value) * widthPx;
    if (last) {
      const lastPosition = axisFraction({ ...axis, ticks: [] }, last.value) * widthPx;
      if (position - lastPosition < ((last.label.length + tick.label.length) / 2) * CHAR_PX + GAP_PX) continue;
    }
    kept.push(tick);
  }
  return kept;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power;
}

/** A tick label: a linear tick to its step's decimals (0.30000000000000004 reads 0.3), others to three significant digits. */
function tickLabel(value: number, step?: number): string {
  if (step === undefined) return formatParamNumber(value);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return String(Number(value.toFixed(Math.min(20, decimals))));
}

function logAxis(values: readonly number[], reason: string, exact: readonly number[] | undefined, widthPx: number): ParamAxis {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const spanDecades = Math.log10(high) - Math.log10(low);
  // 4% of the span (at least a fifth of a decade) either side, so the extreme points are not on the frame.
  const pad = Math.max(spanDecades * 0.04, 0.2);
  const min = 10 ** (Math.log10(low) - pad);
  const max = 10 ** (Math.log10(high) + pad);
  const base = { kind: 'log' as const, min, max, reason };
  let candidates: number[];
  if (exact) candidates = [...exact];
  else {
    candidates = [];
    for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) {
      const power = 10 ** decade;
      // Fewer than three decades: 2 and 5 between powers of ten as well.
      for (const factor of spanDecades + 2 * pad < 3 ? [1, 2, 5] : [1]) candidates.push(Number((factor * power).toPrecision(12)));
    }
  }
  const ticks = candidates.filter((value) => value >= min && value <= max).map((value) => ({ value, label: tickLabel(value) }));
  return { ...base, ticks: withoutOverlaps(base, ticks, widthPx) };
}

function linearAxis(values: readonly number[], reason: string, exact: readonly number[] | undefined, integer: boolean, widthPx: number): ParamAxis {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || Math.abs(low) || 1;
  const min = low - span * 0.05;
  const max = high + span * 0.05;
  const base = { kind: 'linear' as const, min, max, reason };
  if (exact) {
    const ticks = exact.filter((value) => value >= min && value <= max).map((value) => ({ value, label: tickLabel(value) }));
    return { ...base, ticks: withoutOverlaps(base, ticks, widthPx) };
  }
  // As many round ticks as fit: start from 8 and widen the step until the labels leave gaps.
  for (let target = 8; target >= 2; target--) {
    const step = Math.max(niceStep((max - min) / target), integer ? 1 : 0);
    const ticks: AxisTick[] = [];
    for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
      const rounded = Number(value.toPrecision(12));
      ticks.push({ value: rounded, label: tickLabel(rounded, step) });
    }
    const kept = withoutOverlaps(base, ticks, widthPx);
    if (kept.length === ticks.length) return { ...base, ticks };
  }
  return {
    ...base,
    ticks: withoutOverlaps(
      base,
      [
        { value: low, label: tickLabel(low) },
        { value: high, label: tickLabel(high) },
      ],
      widthPx,
    ),
  };
}

/**
 * The axis for one parameter of a sweep from the values its trials took and, when known, its entry
 * in the search space (`{ loguniform: [a, b] }`, `{ uniform: … }`, `{ randint: … }` or a list).
 * `widthPx` is the width the chart draws the axis at, to keep tick labels apart.
 */
export function paramAxis(values: readonly (ParamValue | undefined)[], space?: unknown, widthPx = 320): ParamAxis {
  const present = values.filter((value): value is ParamValue => value !== undefined);
  const list = Array.isArray(space) ? (space as readonly ParamValue[]) : undefined;
  const range = space && !list && typeof space === 'object' ? rangeOf(space as ParamRange) : undefined;
  const numeric =
    present.length > 0 && present.every((value) => typeof value === 'number' && Number.isFinite(value)) && (!list || list.every((v) => typeof v === 'number'));
  if (!numeric) {
    // Choices: the space's order when it is a list, else the order the trials met them.
    const order = [...(list ?? []), ...present].map(formatParamValue);
    const categories = [...new Set(order)];
    return {
      kind: 'category',
      min: -0.5,
      max: categories.length - 0.5,
      ticks: categories.map((label, value) => ({ value, label })),
      categories,
      reason: 'choices',
    };
  }
  const numbers = present as number[];
  // A list's values are the ticks when there are few of them: a grid reads best at exactly what it tried.
  const exact = list && list.length <= 12 ? [...new Set(list as number[])].sort((a, b) => a - b) : undefined;
  // A range's bounds are on the axis too: it shows how much of the space the trials covered.
  const all = [...numbers, ...(exact ?? []), ...(range ? [range.low, range.kind === 'randint' ? range.high - 1 : range.high] : [])];
  if (range?.kind === 'loguniform') return logAxis(all, 'log scale (loguniform)', undefined, widthPx);
  if (range) return linearAxis(all, `linear scale (${range.kind})`, undefined, range.kind === 'randint', widthPx);
  const positive = all.every((value) => value > 0);
  if (positive && Math.max(...all) / Math.min(...all) >= 100) return logAxis(all, 'log scale (values span two decades or more)', exact, widthPx);
  return linearAxis(all, 'linear scale', exact, all.every(Number.isInteger), widthPx);
}

/**
 * Where to draw each point so that none hides another: points at the same x (within 1% of the axis)
 * and the same score (within `scoreTolerance`) are fanned out side by side around their x, at most
 * 3% of the axis apart. Returns drawn x values in the input order; the exact values stay in tooltips.
 */
export function spreadPoints(axis: ParamAxis, points: readonly { x: number; y: number }[], scoreTolerance = 1e-9): number[] {
  const toFraction = (x: number): number => axisFraction(axis, x);
  const fromFraction = (f: number): number =>
    axis.kind === 'log' ? 10 ** (Math.log10(axis.min) + f * (Math.log10(axis.max) - Math.log10(axis.min))) : axis.min + f * (axis.max - axis.min);
  const groups: number[][] = [];
  points.forEach((point, i) => {
    const group = groups.find((members) => {
      const first = points[members[0] as number] as { x: number; y: number };
      return Math.abs(toFraction(first.x) - toFraction(point.x)) < 0.01 && Math.abs(first.y - point.y) <= scoreTolerance;
    });
    if (group) group.push(i);
    else groups.push([i]);
  });
  const drawn = points.map((point) => point.x);
  const maxShift = axis.kind === 'category' ? 0.3 / (axis.max - axis.min) : 0.03;
  for (const members of groups) {
    if (members.length < 2) continue;
    const step = Math.min(0.012, (2 * maxShift) / (members.length - 1));
    members.forEach((index, k) => {
      const centre = toFraction((points[index] as { x: number }).x);
      drawn[index] = fromFraction(centre + (k - (members.length - 1) / 2) * step);
    });
  }
  return drawn;
}
