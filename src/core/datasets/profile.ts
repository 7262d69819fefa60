/** Full profile of a dataset: per-column statistics, histograms, top values and a data-quality summary. */
import path from 'node:path';
import { invalidCondition, stringKind, textExpression, typedExpression, type ColumnPlan } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { columnPlans, datasetSchema } from './head';
import { buildQuality } from './quality';
import { sqlIdentifier } from './source';
import type { DuckDBResultReader } from '@duckdb/node-api';
import type { ColumnProfile, ColumnType, DatasetProfile, HistogramBin, InvalidValue, ValueCount } from './types';

const HISTOGRAM_BINS = 20;
/**
 * Files up to this size get exact quantiles and distinct counts; larger ones t-digest quartiles and HyperLogLog distinct
 * counts for numeric columns (a sort or a hash table of millions of values per column costs more than the rest of the profile).
 */
const EXACT_BYTES = 50 * 1024 * 1024;
/** A numeric column of a large file whose estimated distinct count is at most this is counted exactly by grouping (cheap when small). */
const EXACT_DISTINCT_GROUPS = 100_000;
const TOP_VALUES = 10;
const INVALID_EXAMPLES = 5;

type JsRow = readonly unknown[];

const isNumeric = (type: ColumnType): boolean => type === 'integer' || type === 'float';
const isTemporal = (type: ColumnType): boolean => type === 'date' || type === 'datetime';
const isString = (plan: ColumnPlan): boolean => !isNumeric(plan.type) && !isTemporal(plan.type);
const num = (value: unknown): number => (value === null || value === undefined ? Number.NaN : Number(value));
// Aggregates over zero rows give NULL; a count of nothing is 0.
const countOf = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** Gathers SELECT expressions and hands back their positions, so each column reads its own results. */
class SelectList {
  readonly expressions: string[] = [];
  add(sql: string): number {
    this.expressions.push(sql);
    return this.expressions.length - 1;
  }
}

interface ColumnSlots {
  present: number;
  /** Numeric columns only: other columns' distinct counts are the group counts of the second scan. */
  distinct?: number;
  invalid: number;
  averageLength: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  quantiles?: number;
}

function statsSelect(plans: readonly ColumnPlan[], exact: boolean): { list: SelectList; slots: ColumnSlots[]; rows: number; rowHashes: number } {
  const list = new SelectList();
  const rows = list.add('count(*)');
  // Distinct 64-bit hashes: exact barring a hash collision (about 1e-7 for 2 million rows), and far cheaper than distinct strings.
  const rowHashes = list.add(`count(DISTINCT hash(${plans.map((plan) => sqlIdentifier(plan.name)).join(', ') || 'NULL'}))`);
  const slots = plans.map((plan) => {
    const raw = sqlIdentifier(plan.name);
    const text = textExpression(plan);
    const slot: ColumnSlots = {
      present: list.add(`count(${raw})`),
      invalid: list.add(`count_if(${invalidCondition(plan)})`),
      averageLength: list.add(isNumeric(plan.type) || isTemporal(plan.type) ? '0' : `coalesce(avg(length(${text})), 0)`),
    };
    if (isNumeric(plan.type) || isTemporal(plan.type)) {
      const typed = typedExpression(plan);
      slot.min = list.add(isNumeric(plan.type) ? `min(${typed})` : `CAST(min(${typed}) AS VARCHAR)`);
      slot.max = list.add(isNumeric(plan.type) ? `max(${typed})` : `CAST(max(${typed}) AS VARCHAR)`);
    }
    if (isNumeric(plan.type)) {
      const typed = typedExpression(plan);
      slot.distinct = list.add(exact ? `count(DISTINCT hash(${raw})) FILTER (WHERE ${raw} IS NOT NULL)` : `approx_count_distinct(${raw})`);
      slot.mean = list.add(`avg(${typed})`);
      slot.std = list.add(`stddev_samp(${typed})`);
      slot.quantiles = list.add(`${exact ? 'quantile_cont' : 'approx_quantile'}(${typed}, [0.25, 0.5, 0.75])`);
    }
    return slot;
  });
  return { list, slots, rows, rowHashes };
}

/** Equal-width bins over [min, max]; an integer column with a small range gets one bin per value. */
function binLayout(type: ColumnType, min: number, max: number): { start: number; width: number; bins: number } {
  if (type === 'integer' && max - min + 1 <= HISTOGRAM_BINS) return { start: min - 0.5, width: 1, bins: max - min + 1 };
  if (min === max) return { start: min - 0.5, width: 1, bins: 1 };
  return { start: min, width: (max - min) / HISTOGRAM_BINS, bins: HISTOGRAM_BINS };
}

/** Runs a query over the file: its loaded table when there is one, else a fresh scan of the file (no load needed). */
interface Scan {
  run(build: (from: string) => string): Promise<DuckDBResultReader>;
  /** 0-based data row of a record in `from`. */
  readonly rowNumber: string;
  readonly loaded: boolean;
}

interface Distributions {
  readonly bins: HistogramBin[][];
  /** Top values of each string column, in `plans` order of the string columns. */
  readonly top: ValueCount[][];
  /** Exact distinct present values of each grouped column. */
  readonly distinct: Map<ColumnPlan, number>;
}

/**
 * One scan with GROUPING SETS: each grouped column alone (its group count is its exact distinct count, and a string
 * column's largest groups are its top values) and each numeric column's histogram bin, one pass instead of one per column.
 */
async function distributions(
  scan: Scan,
  grouped: readonly ColumnPlan[],
  numeric: readonly { plan: ColumnPlan; min: number; max: number }[],
): Promise<Distributions> {
  const layouts = numeric.map(({ plan, min, max }) => binLayout(plan.type, min, max));
  const stringPlans = grouped.filter(isString);
  const columns = grouped.map((_, i) => `"__k${i}"`);
  const binNames = numeric.map((_, i) => `"__bin${i}"`);
  const binExpressions = numeric.map(({ plan }, i) => {
    const { start, width, bins } = layouts[i] ?? { start: 0, width: 1, bins: 1 };
    const typed = typedExpression(plan);
    // least() skips NULLs, so a missing value must stay NULL rather than land in the last bin.
    return `CASE WHEN ${typed} IS NOT NULL THEN CAST(least(floor((${typed} - ${start}) / ${width}), ${bins - 1}) AS INTEGER) END AS ${binNames[i]}`;
  });
  const keys = [...columns, ...binNames];
  const width = keys.length;
  if (width === 0) return { bins: [], top: [], distinct: new Map() };
  // GROUPING() sets a bit for every key a set does not group by; the first key is the highest bit.
  const bit = (index: number): bigint => 1n << BigInt(width - 1 - index);
  const all = (1n << BigInt(width)) - 1n;
  const single = keys.map((_, i) => all ^ bit(i));
  const textKeys = keys.map((key, i) => `WHEN ${single[i]} THEN CAST(${key} AS VARCHAR)`).join(' ');
  const topSets = grouped.flatMap((plan, i) => (isString(plan) ? [single[i]] : []));
  const sets = keys.map((key) => `(${key})`);
  const projection = [...grouped.map((plan, i) => `${textExpression(plan)} AS ${columns[i]}`), ...binExpressions];
  const sql = (from: string): string => `
    WITH g AS (
      SELECT GROUPING(${keys.join(', ')}) AS gid, ${keys.join(', ')}, count(*) AS n
      FROM (SELECT ${projection.join(', ')} FROM ${from})
      GROUP BY GROUPING SETS (${sets.join(', ')})
    ), k AS (SELECT gid, CASE gid ${textKeys} END AS v, n FROM g)
    SELECT gid, count(v) AS keyed, count(*) AS groups, sum(n) AS total,
           list({'v': v, 'n': n} ORDER BY n DESC, v) FILTER (WHERE v IS NOT NULL AND gid IN (${topSets.join(', ') || '-1'}))[1:${TOP_VALUES}] AS top,
           list({'v': v, 'n': n}) FILTER (WHERE v IS NOT NULL AND gid IN (${single.slice(columns.length).join(', ') || '-1'})) AS bins
    FROM k GROUP BY gid`;
  const byMask = new Map<bigint, JsRow>();
  for (const row of (await scan.run(sql)).getRowsJS()) byMask.set(BigInt(row[0] as bigint | number), row);
  type Entry = { v: string; n: unknown };
  const top = stringPlans.map((plan) => {
    const entries = (byMask.get(single[grouped.indexOf(plan)] ?? -1n)?.[4] as Entry[] | null) ?? [];
    return entries.map((e) => ({ value: String(e.v), count: num(e.n) }));
  });
  const distinct = new Map(grouped.map((plan, i) => [plan, countOf(byMask.get(single[i] ?? -1n)?.[1])]));
  const bins = layouts.map(({ start, width: binWidth, bins: count }, j) => {
    const counts = new Array<number>(count).fill(0);
    for (const e of (byMask.get(single[columns.length + j] ?? -1n)?.[5] as Entry[] | null) ?? []) counts[Number(e.v)] = num(e.n);
    return counts.map((n, bin) => ({ from: start + bin * binWidth, to: start + (bin + 1) * binWidth, count: n }));
  });
  return { bins, top, distinct };
}

async function invalidExamples(scan: Scan, plan: ColumnPlan): Promise<InvalidValue[]> {
  const column = sqlIdentifier(plan.name);
  const rows = scan.loaded
    ? (from: string) => `SELECT ${scan.rowNumber} AS __row, ${column} FROM ${from} WHERE ${invalidCondition(plan)} ORDER BY __row LIMIT ${INVALID_EXAMPLES}`
    : (from: string) =>
        `SELECT __row, ${column} FROM (SELECT ${scan.rowNumber} AS __row, ${column} FROM ${from}) WHERE ${invalidCondition(plan)} ORDER BY __row LIMIT ${INVALID_EXAMPLES}`;
  return (await scan.run(rows)).getRowsJS().map((row) => ({ row: num(row[0]) + 1, value: String(row[1]) }));
}

/** Profiles every row of a file in two scans (one more per column with unparsable values). Cached per file version. */
export async function profileDataset(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<DatasetProfile> {
  return engine.cached(filePath, 'profile', async () => {
    const started = performance.now();
    options.onProgress?.({ stage: 'reading', step: 0, of: 3 });
    if (engine.loadedTable(filePath)) {
      return engine.withTable(filePath, options, (table) =>
        profileScan(engine, filePath, { run: (build) => engine.query(build(table), options), rowNumber: 'rowid', loaded: true }, started, options),
      );
    }
    const scan: Scan = {
      run: async (build) => (await engine.querySource(filePath, build, options)).reader,
      // Insertion order is preserved, so a window over the scan numbers rows in file order.
      rowNumber: 'row_number() OVER () - 1',
      loaded: false,
    };
    return profileScan(engine, filePath, scan, started, options);
  });
}

async function profileScan(engine: DatasetEngine, filePath: string, scan: Scan, started: number, options: QueryOptions): Promise<DatasetProfile> {
  const report = (step: number): void => options.onProgress?.({ stage: 'profiling', step, of: 3 });
  const plans = await columnPlans(engine, filePath, options);
  const { key } = await engine.open(filePath);
  const exact = key.size <= EXACT_BYTES;
  const { list, slots, rows: rowsSlot, rowHashes } = statsSelect(plans, exact);
  const stats: JsRow = (await scan.run((from) => `SELECT ${list.expressions.join(', ')} FROM ${from}`)).getRowsJS()[0] ?? [];
  report(1);
  const rowCount = countOf(stats[rowsSlot]);
  const at = (index: number | undefined): unknown => (index === undefined ? null : stats[index]);

  const numericTargets = plans
    .map((plan, i) => ({ plan, min: num(at(slots[i]?.min)), max: num(at(slots[i]?.max)) }))
    .filter(({ plan, min, max }) => isNumeric(plan.type) && Number.isFinite(min) && Number.isFinite(max));
  // Few distinct numbers are cheap to count exactly in the second scan; many keep their estimate.
  const estimated = (plan: ColumnPlan, i: number): boolean => !exact && isNumeric(plan.type) && countOf(at(slots[i]?.distinct)) > EXACT_DISTINCT_GROUPS;
  const grouped = plans.filter((plan, i) => !isNumeric(plan.type) || (!exact && !estimated(plan, i)));
  const { bins, top, distinct: groupedDistinct } = await distributions(scan, grouped, numericTargets);
  const stringPlans = plans.filter(isString);
  report(2);

  const columns: ColumnProfile[] = [];
  for (const [i, plan] of plans.entries()) {
    const slot = slots[i] as ColumnSlots;
    const count = countOf(at(slot.present));
    const distinctEstimated = estimated(plan, i);
    // An estimate can overshoot the values it counts.
    const distinct = groupedDistinct.get(plan) ?? Math.min(countOf(at(slot.distinct)), count);
    const invalidCount = countOf(at(slot.invalid));
    const type: ColumnType = plan.type === 'categorical' || plan.type === 'text' ? stringKind(distinct, count, countOf(at(slot.averageLength))) : plan.type;
    const profile: ColumnProfile = {
      name: plan.name,
      type,
      count,
      missing: rowCount - count,
      missingRatio: rowCount === 0 ? 0 : (rowCount - count) / rowCount,
      distinct,
      ...(distinctEstimated ? { distinctEstimated } : {}),
      invalidCount,
      invalidExamples: invalidCount > 0 ? await invalidExamples(scan, plan) : [],
    };
    const target = numericTargets.findIndex((t) => t.plan === plan);
    if (target >= 0) {
      const quantiles = (at(slot.quantiles) as number[] | null) ?? [];
      const std = num(at(slot.std));
      Object.assign(profile, {
        numeric: {
          min: num(at(slot.min)),
          max: num(at(slot.max)),
          mean: num(at(slot.mean)),
          std: Number.isFinite(std) ? std : null,
          q25: num(quantiles[0]),
          median: num(quantiles[1]),
          q75: num(quantiles[2]),
          ...(exact ? {} : { quartilesEstimated: true }),
          histogram: bins[target] ?? [],
        },
      });
    }
    if (isTemporal(plan.type) && at(slot.min) !== null) {
      Object.assign(profile, { range: { min: String(at(slot.min)), max: String(at(slot.max)) } });
    }
    const stringIndex = stringPlans.indexOf(plan);
    if (stringIndex >= 0) Object.assign(profile, { topValues: top[stringIndex] ?? [] });
    columns.push(profile);
  }
  report(3);
  const duplicates = rowCount - countOf(stats[rowHashes]);
  const schema = await datasetSchema(engine, filePath, options);
  return {
    schema,
    rowCount,
    columns,
    quality: buildQuality(path.basename(filePath), rowCount, columns, duplicates),
    elapsedMs: Math.round(performance.now() - started),
  };
}
