/**
 * Exploration of a dataset beside its profile: Pearson correlations of the numeric columns, the
 * patterns of missing values (which columns are missing together), and each feature against a
 * chosen target column. All of it is aggregated by DuckDB in a few scans, never row by row in JS.
 */
import { textExpression, typedExpression, type ColumnPlan } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { columnPlans } from './head';
import { sqlIdentifier, sqlString } from './source';
import type { DuckDBResultReader } from '@duckdb/node-api';
import type { BoxSummary, DatasetExploration, MissingPattern, NumericVsTarget, CategoricalVsTarget, TargetExploration } from './types';
import { DatasetError } from './errors';

/** Most numeric columns in the correlation matrix (the first ones of the file). */
export const MAX_CORRELATION_COLUMNS = 30;
/** Most missingness patterns listed, most frequent first. */
export const MAX_MISSING_PATTERNS = 10;
/** Most classes a classification target is broken down by (the most frequent); rows of other classes are left out. */
export const MAX_TARGET_CLASSES = 12;
/** Most categories of a categorical feature shown against the target (the most frequent). */
export const MAX_FEATURE_CATEGORIES = 10;
/** Most features of each kind compared with the target. */
export const MAX_TARGET_FEATURES = 30;
/** Bins of a numeric feature against a numeric target (equal width over the feature's range). */
export const REGRESSION_BINS = 10;
/** A numeric target with at most this many distinct integers is read as classes. */
const CLASS_INTEGERS = 20;

type JsRow = readonly unknown[];
const num = (value: unknown): number => (value === null || value === undefined ? Number.NaN : Number(value));
const finiteOrNull = (value: unknown): number | null => {
  const n = num(value);
  return Number.isFinite(n) ? n : null;
};
const isNumeric = (plan: ColumnPlan): boolean => plan.type === 'integer' || plan.type === 'float';
const isCategory = (plan: ColumnPlan): boolean => plan.type === 'categorical' || plan.type === 'boolean';

interface Scan {
  run(build: (from: string) => string): Promise<DuckDBResultReader>;
}

/** Correlations, missingness patterns and (with `target`) each feature against the target. Cached per file version and target. */
export async function exploreDataset(
  engine: DatasetEngine,
  filePath: string,
  target: string | undefined,
  options: QueryOptions = {},
): Promise<DatasetExploration> {
  return engine.cached(filePath, `explore:${target ?? ''}`, async () => {
    const started = performance.now();
    const plans = await columnPlans(engine, filePath, options);
    const targetPlan = target === undefined ? undefined : plans.find((plan) => plan.name === target);
    if (target !== undefined && !targetPlan) {
      throw new DatasetError(filePath, `target column "${target}" is not in the file; its columns are ${plans.map((p) => p.name).join(', ')}`);
    }
    const explore = async (scan: Scan): Promise<DatasetExploration> => {
      const report = (step: number): void => options.onProgress?.({ stage: 'exploring', step, of: 3 });
      report(0);
      const { rowCount, correlations, missingByColumn } = await correlationsAndMissing(scan, plans);
      report(1);
      const missing = await missingPatterns(scan, plans, missingByColumn, rowCount);
      report(2);
      const versus = targetPlan ? await targetExploration(scan, plans, targetPlan) : undefined;
      report(3);
      return { rowCount, correlations, missing, ...(versus ? { target: versus } : {}), elapsedMs: Math.round(performance.now() - started) };
    };
    if (engine.loadedTable(filePath)) {
      return engine.withTable(filePath, options, (table) => explore({ run: (build) => engine.query(build(table), options) }));
    }
    return explore({ run: async (build) => (await engine.querySource(filePath, build, options)).reader });
  });
}

/** One scan: the row count, each column's missing count, and Pearson's r of every pair of numeric columns (pairwise complete rows, as pandas). */
async function correlationsAndMissing(
  scan: Scan,
  plans: readonly ColumnPlan[],
): Promise<{ rowCount: number; correlations: DatasetExploration['correlations']; missingByColumn: number[] }> {
  const numeric = plans.filter(isNumeric);
  const kept = numeric.slice(0, MAX_CORRELATION_COLUMNS);
  const pairs: [number, number][] = [];
  for (let i = 0; i < kept.length; i++) for (let j = i + 1; j < kept.length; j++) pairs.push([i, j]);
  const typed = kept.map(typedExpression);
  const select = [
    'count(*)',
    ...plans.map((plan) => `count(*) - count(${sqlIdentifier(plan.name)})`),
    ...pairs.map(([i, j]) => `corr(${typed[i]}, ${typed[j]})`),
    // A column's correlation with itself is 1 when it varies, NaN (pandas) when it does not.
    ...typed.map((t) => `stddev_samp(${t})`),
  ];
  const row: JsRow = (await scan.run((from) => `SELECT ${select.join(', ')} FROM ${from}`)).getRowsJS()[0] ?? [];
  const rowCount = num(row[0]);
  const missingByColumn = plans.map((_, i) => num(row[1 + i]));
  const matrix: (number | null)[][] = kept.map(() => kept.map(() => null));
  pairs.forEach(([i, j], k) => {
    const r = finiteOrNull(row[1 + plans.length + k]);
    (matrix[i] as (number | null)[])[j] = r;
    (matrix[j] as (number | null)[])[i] = r;
  });
  kept.forEach((_, i) => {
    const std = num(row[1 + plans.length + pairs.length + i]);
    (matrix[i] as (number | null)[])[i] = std > 0 ? 1 : null;
  });
  return { rowCount, correlations: { columns: kept.map((p) => p.name), matrix, leftOut: numeric.length - kept.length }, missingByColumn };
}

/** The most frequent combinations of missing columns (over the columns that have any missing value), as pandas' isna().value_counts(). */
async function missingPatterns(
  scan: Scan,
  plans: readonly ColumnPlan[],
  missingByColumn: readonly number[],
  rowCount: number,
): Promise<DatasetExploration['missing']> {
  const withMissing = plans.filter((_, i) => (missingByColumn[i] ?? 0) > 0);
  const columns = withMissing.map((plan) => ({ name: plan.name, missing: missingByColumn[plans.indexOf(plan)] ?? 0 }));
  if (withMissing.length === 0) return { columns, patterns: rowCount > 0 ? [{ missing: [], count: rowCount }] : [], patternCount: rowCount > 0 ? 1 : 0 };
  const key = `concat(${withMissing.map((plan) => `CASE WHEN ${sqlIdentifier(plan.name)} IS NULL THEN '1' ELSE '0' END`).join(', ')})`;
  const rows = (
    await scan.run(
      (from) =>
        `SELECT __k, __n, count(*) OVER () AS __patterns FROM (SELECT ${key} AS __k, count(*) AS __n FROM ${from} GROUP BY __k) ORDER BY __n DESC, __k LIMIT ${MAX_MISSING_PATTERNS}`,
    )
  ).getRowsJS();
  const patterns: MissingPattern[] = rows.map((row) => ({
    missing: [...String(row[0])].flatMap((bit, i) => (bit === '1' ? [withMissing[i]?.name ?? ''] : [])),
    count: num(row[1]),
  }));
  return { columns, patterns, patternCount: num(rows[0]?.[2] ?? 0) };
}

/** Whether a target column is read as classes: strings and booleans, or a few distinct integers. */
async function targetKind(scan: Scan, plan: ColumnPlan): Promise<'classification' | 'regression'> {
  if (!isNumeric(plan)) return 'classification';
  if (plan.type === 'float') return 'regression';
  const row = (await scan.run((from) => `SELECT count(DISTINCT ${typedExpression(plan)}) FROM ${from}`)).getRowsJS()[0] ?? [];
  return num(row[0]) <= CLASS_INTEGERS ? 'classification' : 'regression';
}

/** Tukey's box: quartiles (linear interpolation), whiskers at the furthest values within 1.5 IQR of the box. */
function boxFrom(stats: JsRow | undefined, whiskers: JsRow | undefined): BoxSummary | null {
  if (!stats || num(stats[0]) === 0) return null;
  const q = (stats[3] as number[] | null) ?? [];
  return {
    n: num(stats[0]),
    min: num(stats[1]),
    max: num(stats[2]),
    q1: num(q[0]),
    median: num(q[1]),
    q3: num(q[2]),
    lowerWhisker: num(whiskers?.[0]),
    upperWhisker: num(whiskers?.[1]),
  };
}

async function targetExploration(scan: Scan, plans: readonly ColumnPlan[], targetPlan: ColumnPlan): Promise<TargetExploration> {
  const kind = await targetKind(scan, targetPlan);
  const features = plans.filter((plan) => plan !== targetPlan);
  const numeric = features.filter(isNumeric).slice(0, MAX_TARGET_FEATURES);
  const categorical = features.filter(isCategory).slice(0, MAX_TARGET_FEATURES);
  const compared: TargetFeatures = { numeric, categorical, skipped: features.length - numeric.length - categorical.length };
  return kind === 'classification' ? classificationExploration(scan, targetPlan, compared) : regressionExploration(scan, targetPlan, compared);
}

/** The features compared with a target: the first MAX_TARGET_FEATURES of each kind, and how many others there are. */
interface TargetFeatures {
  readonly numeric: readonly ColumnPlan[];
  readonly categorical: readonly ColumnPlan[];
  readonly skipped: number;
}

/** Runs one SELECT per feature (each reading `${from}`) as a single UNION ALL scan. */
async function unionRows(scan: Scan, parts: readonly string[]): Promise<JsRow[]> {
  return (await scan.run((from) => parts.map((part) => part.replace('${from}', () => from)).join(' UNION ALL '))).getRowsJS();
}

/** A categorical feature against the target: its categories most frequent first (ties by value), the first MAX_FEATURE_CATEGORIES kept. */
function categoricalVsTarget(column: string, categories: CategoricalVsTarget['categories'][number][]): CategoricalVsTarget {
  categories.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  return { column, categories: categories.slice(0, MAX_FEATURE_CATEGORIES), categoriesLeftOut: Math.max(0, categories.length - MAX_FEATURE_CATEGORIES) };
}

async function classificationExploration(scan: Scan, targetPlan: ColumnPlan, features: TargetFeatures): Promise<TargetExploration> {
  const { numeric, categorical, skipped } = features;
  const t = textExpression(targetPlan);
  const classRows = (
    await scan.run(
      (from) =>
        `SELECT __v, __n, count(*) OVER () AS __classes FROM (SELECT ${t} AS __v, count(*) AS __n FROM ${from} WHERE ${t} IS NOT NULL GROUP BY __v) ORDER BY __n DESC, __v LIMIT ${MAX_TARGET_CLASSES}`,
    )
  ).getRowsJS();
  const classes = classRows.map((row) => ({ value: String(row[0]), count: num(row[1]) }));
  const classCount = num(classRows[0]?.[2] ?? 0);
  const inClasses = classes.length > 0 ? `${t} IN (${classes.map((c) => sqlString(c.value)).join(', ')})` : 'false';

  const numericResults: NumericVsTarget[] = [];
  if (numeric.length > 0 && classes.length > 0) {
    const typed = numeric.map(typedExpression);
    const statsSql = typed.flatMap((x) => [`count(${x})`, `min(${x})`, `max(${x})`, `quantile_cont(${x}, [0.25, 0.5, 0.75])`]);
    const stats = (await scan.run((from) => `SELECT ${t} AS __class, ${statsSql.join(', ')} FROM ${from} WHERE ${inClasses} GROUP BY __class`)).getRowsJS();
    const byClass = new Map(stats.map((row) => [String(row[0]), row]));
    const fences = (feature: number, side: 'low' | 'high'): string => {
      const cases = classes.map((c) => {
        const row = byClass.get(c.value);
        const q = (row?.[1 + feature * 4 + 3] as number[] | null) ?? [];
        const [q1, q3] = [num(q[0]), num(q[2])];
        const fence = side === 'low' ? q1 - 1.5 * (q3 - q1) : q3 + 1.5 * (q3 - q1);
        return Number.isFinite(fence) ? `WHEN ${sqlString(c.value)} THEN ${fence}` : '';
      });
      return `CASE ${t} ${cases.join(' ')} END`;
    };
    const whiskerSql = typed.flatMap((x, f) => [
      `min(${x}) FILTER (WHERE ${x} >= ${fences(f, 'low')})`,
      `max(${x}) FILTER (WHERE ${x} <= ${fences(f, 'high')})`,
    ]);
    const whiskers = (
      await scan.run((from) => `SELECT ${t} AS __class, ${whiskerSql.join(', ')} FROM ${from} WHERE ${inClasses} GROUP BY __class`)
    ).getRowsJS();
    const whiskersByClass = new Map(whiskers.map((row) => [String(row[0]), row]));
    numeric.forEach((plan, f) => {
      numericResults.push({
        column: plan.name,
        boxes: classes.map((c) => {
          const row = byClass.get(c.value);
          const w = whiskersByClass.get(c.value);
          return boxFrom(row?.slice(1 + f * 4, 1 + f * 4 + 4), w?.slice(1 + f * 2, 1 + f * 2 + 2));
        }),
      });
    });
  }

  const categoricalResults: CategoricalVsTarget[] = [];
  if (categorical.length > 0 && classes.length > 0) {
    const parts = categorical.map(
      (plan, f) =>
        `SELECT ${f} AS __f, ${textExpression(plan)} AS __v, ${t} AS __c, count(*) AS __n FROM \${from} WHERE ${inClasses} AND ${sqlIdentifier(plan.name)} IS NOT NULL GROUP BY __v, __c`,
    );
    const rows = await unionRows(scan, parts);
    categorical.forEach((plan, f) => {
      const counts = new Map<string, Map<string, number>>();
      for (const row of rows) {
        if (num(row[0]) !== f) continue;
        const value = String(row[1]);
        const perClass = counts.get(value) ?? new Map<string, number>();
        perClass.set(String(row[2]), num(row[3]));
        counts.set(value, perClass);
      }
      const categories = [...counts.entries()].map(([value, perClass]) => {
        const count = [...perClass.values()].reduce((a, b) => a + b, 0);
        return { value, count, shares: classes.map((c) => (perClass.get(c.value) ?? 0) / count) };
      });
      categoricalResults.push(categoricalVsTarget(plan.name, categories));
    });
  }
  return {
    kind: 'classification',
    column: targetPlan.name,
    classes,
    classesLeftOut: Math.max(0, classCount - classes.length),
    numeric: numericResults,
    categorical: categoricalResults,
    skipped,
  };
}

async function regressionExploration(scan: Scan, targetPlan: ColumnPlan, features: TargetFeatures): Promise<TargetExploration> {
  const { numeric, categorical, skipped } = features;
  const y = typedExpression(targetPlan);
  const numericResults: NumericVsTarget[] = [];
  if (numeric.length > 0) {
    const typed = numeric.map(typedExpression);
    const rangeSql = typed.flatMap((x) => [`min(${x}) FILTER (WHERE ${y} IS NOT NULL)`, `max(${x}) FILTER (WHERE ${y} IS NOT NULL)`]);
    const range = (await scan.run((from) => `SELECT ${rangeSql.join(', ')} FROM ${from}`)).getRowsJS()[0] ?? [];
    const layouts = numeric.map((_, f) => {
      const [min, max] = [num(range[f * 2]), num(range[f * 2 + 1])];
      return { min, max, width: max > min ? (max - min) / REGRESSION_BINS : 1 };
    });
    const parts = typed.flatMap((x, f) => {
      const { min, max, width } = layouts[f] as { min: number; max: number; width: number };
      if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
      const bin = `CAST(least(floor((${x} - ${min}) / ${width}), ${REGRESSION_BINS - 1}) AS INTEGER)`;
      return [`SELECT ${f} AS __f, ${bin} AS __b, count(*) AS __n, avg(${y}) AS __m FROM \${from} WHERE ${x} IS NOT NULL AND ${y} IS NOT NULL GROUP BY __b`];
    });
    const rows = parts.length > 0 ? await unionRows(scan, parts) : [];
    numeric.forEach((plan, f) => {
      const { min, max, width } = layouts[f] as { min: number; max: number; width: number };
      const bins = Number.isFinite(min)
        ? Array.from({ length: max > min ? REGRESSION_BINS : 1 }, (_, b) => ({
            from: min + b * width,
            to: max > min ? min + (b + 1) * width : max,
            count: 0,
            mean: null as number | null,
          }))
        : [];
      for (const row of rows) {
        if (num(row[0]) !== f) continue;
        const bin = bins[num(row[1])];
        if (bin) Object.assign(bin, { count: num(row[2]), mean: finiteOrNull(row[3]) });
      }
      numericResults.push({ column: plan.name, bins });
    });
  }
  const categoricalResults: CategoricalVsTarget[] = [];
  if (categorical.length > 0) {
    const parts = categorical.map(
      (plan, f) =>
        `SELECT ${f} AS __f, ${textExpression(plan)} AS __v, count(*) AS __n, avg(${y}) AS __m FROM \${from} WHERE ${y} IS NOT NULL AND ${sqlIdentifier(plan.name)} IS NOT NULL GROUP BY __v`,
    );
    const rows = await unionRows(scan, parts);
    categorical.forEach((plan, f) => {
      const categories = rows.filter((row) => num(row[0]) === f).map((row) => ({ value: String(row[1]), count: num(row[2]), mean: finiteOrNull(row[3]) }));
      categoricalResults.push(categoricalVsTarget(plan.name, categories));
    });
  }
  return { kind: 'regression', column: targetPlan.name, numeric: numericResults, categorical: categoricalResults, skipped };
}
