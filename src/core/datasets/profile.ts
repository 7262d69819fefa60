/** Full profile of a dataset: per-column statistics, histograms, top values and a data-quality summary. */
import path from 'node:path';
import { invalidCondition, stringKind, textExpression, typedExpression, type ColumnPlan } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { columnPlans, datasetSchema } from './head';
import { buildQuality } from './quality';
import { sqlIdentifier } from './source';
import type { ColumnProfile, ColumnType, DatasetProfile, HistogramBin, InvalidValue, ValueCount } from './types';

const HISTOGRAM_BINS = 20;
const TOP_VALUES = 10;
const INVALID_EXAMPLES = 5;

type JsRow = readonly unknown[];

const isNumeric = (type: ColumnType): boolean => type === 'integer' || type === 'float';
const isTemporal = (type: ColumnType): boolean => type === 'date' || type === 'datetime';
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
  distinct: number;
  invalid: number;
  averageLength: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  quantiles?: number;
}

function statsSelect(plans: readonly ColumnPlan[]): { list: SelectList; slots: ColumnSlots[]; rows: number } {
  const list = new SelectList();
  const rows = list.add('count(*)');
  const slots = plans.map((plan) => {
    const raw = sqlIdentifier(plan.name);
    const text = textExpression(plan);
    const slot: ColumnSlots = {
      present: list.add(`count(${raw})`),
      distinct: list.add(`count(DISTINCT ${raw})`),
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
      slot.mean = list.add(`avg(${typed})`);
      slot.std = list.add(`stddev_samp(${typed})`);
      slot.quantiles = list.add(`quantile_cont(${typed}, [0.25, 0.5, 0.75])`);
    }
    return slot;
  });
  return { list, slots, rows };
}

/** Equal-width bins over [min, max]; an integer column with a small range gets one bin per value. */
function binLayout(type: ColumnType, min: number, max: number): { start: number; width: number; bins: number } {
  if (type === 'integer' && max - min + 1 <= HISTOGRAM_BINS) return { start: min - 0.5, width: 1, bins: max - min + 1 };
  if (min === max) return { start: min - 0.5, width: 1, bins: 1 };
  return { start: min, width: (max - min) / HISTOGRAM_BINS, bins: HISTOGRAM_BINS };
}

async function histograms(
  engine: DatasetEngine,
  table: string,
  targets: readonly { plan: ColumnPlan; min: number; max: number }[],
  options: QueryOptions,
): Promise<HistogramBin[][]> {
  if (targets.length === 0) return [];
  const layouts = targets.map(({ plan, min, max }) => binLayout(plan.type, min, max));
  const select = targets.map(({ plan }, i) => {
    const { start, width, bins } = layouts[i] ?? { start: 0, width: 1, bins: 1 };
    const typed = typedExpression(plan);
    // least() skips NULLs, so missing values must be filtered out before binning.
    return `histogram(CAST(least(floor((${typed} - ${start}) / ${width}), ${bins - 1}) AS INTEGER)) FILTER (WHERE ${typed} IS NOT NULL)`;
  });
  const row: JsRow = (await engine.query(`SELECT ${select.join(', ')} FROM ${table}`, options)).getRowsJS()[0] ?? [];
  return layouts.map(({ start, width, bins }, i) => {
    const counts = new Array<number>(bins).fill(0);
    for (const entry of (row[i] as { key: unknown; value: unknown }[] | null) ?? []) counts[num(entry.key)] = num(entry.value);
    return counts.map((count, bin) => ({ from: start + bin * width, to: start + (bin + 1) * width, count }));
  });
}

async function topValues(engine: DatasetEngine, table: string, plan: ColumnPlan, options: QueryOptions): Promise<ValueCount[]> {
  const text = textExpression(plan);
  const sql = `SELECT ${text} AS v, count(*) AS n FROM ${table} WHERE ${text} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ${TOP_VALUES}`;
  return (await engine.query(sql, options)).getRowsJS().map((row) => ({ value: String(row[0]), count: num(row[1]) }));
}

async function invalidExamples(engine: DatasetEngine, table: string, plan: ColumnPlan, options: QueryOptions): Promise<InvalidValue[]> {
  const sql = `SELECT rowid, ${sqlIdentifier(plan.name)} FROM ${table} WHERE ${invalidCondition(plan)} ORDER BY rowid LIMIT ${INVALID_EXAMPLES}`;
  return (await engine.query(sql, options)).getRowsJS().map((row) => ({ row: num(row[0]) + 1, value: String(row[1]) }));
}

async function duplicateRows(engine: DatasetEngine, table: string, rows: number, options: QueryOptions): Promise<number> {
  if (rows < 2) return 0;
  const distinct = (await engine.query(`SELECT count(*) FROM (SELECT DISTINCT * FROM ${table})`, options)).getRowsJS()[0]?.[0];
  return rows - num(distinct);
}

/** Profiles every row of a file: loads it into DuckDB once, then runs a few whole-table aggregates. Cached per file version. */
export async function profileDataset(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<DatasetProfile> {
  return engine.cached(filePath, 'profile', async () => {
    const started = performance.now();
    const report = (stage: string, step: number, of: number): void => options.onProgress?.({ stage, step, of });
    report('loading', 0, 100);
    return engine.withTable(filePath, options, (table) => profileTable(engine, filePath, table, started, options));
  });
}

async function profileTable(engine: DatasetEngine, filePath: string, table: string, started: number, options: QueryOptions): Promise<DatasetProfile> {
  const report = (stage: string, step: number, of: number): void => options.onProgress?.({ stage, step, of });
  const plans = await columnPlans(engine, filePath, options);
  const steps = 3;
  report('profiling', 1, steps);
  const { list, slots, rows: rowsSlot } = statsSelect(plans);
  const stats: JsRow = (await engine.query(`SELECT ${list.expressions.join(', ')} FROM ${table}`, options)).getRowsJS()[0] ?? [];
  const rowCount = countOf(stats[rowsSlot]);
  const at = (index: number | undefined): unknown => (index === undefined ? null : stats[index]);

  report('profiling', 2, steps);
  const numericTargets = plans
    .map((plan, i) => ({ plan, min: num(at(slots[i]?.min)), max: num(at(slots[i]?.max)) }))
    .filter(({ plan, min, max }) => isNumeric(plan.type) && Number.isFinite(min) && Number.isFinite(max));
  const bins = await histograms(engine, table, numericTargets, options);

  report('profiling', 3, steps);
  const columns: ColumnProfile[] = [];
  for (const [i, plan] of plans.entries()) {
    const slot = slots[i] as ColumnSlots;
    const count = countOf(at(slot.present));
    const distinct = countOf(at(slot.distinct));
    const invalidCount = countOf(at(slot.invalid));
    const type: ColumnType =
      plan.type === 'categorical' || plan.type === 'text' ? stringKind(distinct, count, countOf(at(slot.averageLength))) : plan.type;
    const profile: ColumnProfile = {
      name: plan.name,
      type,
      count,
      missing: rowCount - count,
      missingRatio: rowCount === 0 ? 0 : (rowCount - count) / rowCount,
      distinct,
      invalidCount,
      invalidExamples: invalidCount > 0 ? await invalidExamples(engine, table, plan, options) : [],
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
          histogram: bins[target] ?? [],
        },
      });
    }
    if (isTemporal(plan.type) && at(slot.min) !== null) {
      Object.assign(profile, { range: { min: String(at(slot.min)), max: String(at(slot.max)) } });
    }
    if (!isNumeric(plan.type) && !isTemporal(plan.type)) {
      Object.assign(profile, { topValues: await topValues(engine, table, plan, options) });
    }
    columns.push(profile);
  }
  const duplicates = await duplicateRows(engine, table, rowCount, options);
  const schema = await datasetSchema(engine, filePath, options);
  return {
    schema,
    rowCount,
    columns,
    quality: buildQuality(path.basename(filePath), rowCount, columns, duplicates),
    elapsedMs: Math.round(performance.now() - started),
  };
}
