/**
 * The preparation steps of a streamed run, fitted by DuckDB aggregates over the training rows and applied as SQL.
 * Each step sees the columns as SQL expressions over the file's row; fitting a step is one aggregate query over the
 * rows the in-memory pipeline would fit it on, and its state is saved in the same JSON as the in-memory step, so the
 * run's pipeline.json serves and exports as any other.
 */
import type { ColumnKind } from '../data/table';
import type { PipelineJSON } from '../prepare/pipeline';
import { createStep } from '../prepare/registry';
import type { StepJSON, StepName } from '../prepare/step';
import { safeScale } from '../prepare/stats';
import { DropStep } from '../prepare/steps/drop';
import { DropMissingStep } from '../prepare/steps/dropMissing';
import { ImputeStep } from '../prepare/steps/impute';
import { OneHotStep } from '../prepare/steps/onehot';
import { ScaleStep } from '../prepare/steps/scale';
import { compareCodePoints } from '../text/tokenize';
import { MlError } from '../types';

/** A raw column of the streamed frame: its value as SQL (NULL where missing). */
export interface SqlColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly sql: string;
}

/** One prepared feature: its name and its value as SQL. */
export interface SqlFeature {
  readonly name: string;
  readonly sql: string;
}

type SqlPart =
  { readonly type: 'column'; readonly column: SqlColumn } | { readonly type: 'block'; readonly source: string; readonly features: readonly SqlFeature[] };

/** Runs one aggregate over the rows a step is fitted on: `select` is the SELECT list, `where` the rows' condition. */
export type Aggregate = (select: string, where: string) => Promise<unknown[]>;

/** The most frequent non-missing value of `value` over the rows of `where`, the smallest among ties; null when none. */
export type MostFrequent = (value: string, where: string) => Promise<unknown>;

/** Steps a streamed run prepares in DuckDB; the others need all rows at once. */
export const STREAMED_STEPS: readonly StepName[] = ['drop', 'dropMissing', 'impute', 'scale', 'onehot'];

export interface StreamPreparation {
  readonly features: readonly SqlFeature[];
  /** SQL that is true for a training row the steps keep (dropMissing with axis rows); 'true' when none drops rows. */
  readonly keep: string;
  readonly pipeline: PipelineJSON;
  readonly notes: readonly string[];
}

/** SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** SQL literal of a finite double (DuckDB reads the shortest round-trip form back exactly). */
function sqlNumber(value: number): string {
  return `${value}::DOUBLE`;
}

const isMissing = (sql: string): string => `(${sql}) IS NULL`;

/**
 * The refusal of a step or model that needs all rows at once, naming it and offering a sample (or more memory).
 */
export function needsAllRows(what: string, budget: string): MlError {
  return new MlError(
    `${what} needs all rows in memory, and this table does not fit in ${budget}; add \`sample: N\` under \`data:\` to train on a seeded sample of N rows read by DuckDB, or allow more memory`,
  );
}

/**
 * Fits the `prepare` steps on the training rows (`train`: their SQL condition) with `aggregate`, in order, as the
 * in-memory Pipeline does; `columns` are the feature columns of the file. `budget` words the memory limit in refusals.
 */
export async function fitStreamPreparation(
  steps: readonly Readonly<Record<string, unknown>>[],
  columns: readonly SqlColumn[],
  train: string,
  aggregate: Aggregate,
  mostFrequent: MostFrequent,
  options: { readonly allowMissing: boolean; readonly budget: string; readonly rows: number; readonly quantileBytes: number },
): Promise<StreamPreparation> {
  let parts: SqlPart[] = columns.map((column) => ({ type: 'column', column }));
  const keep: string[] = [];
  const notes: string[] = [];
  const saved: StepJSON[] = [];
  const where = (): string => [train, ...keep].join(' AND ');
  const rawColumns = (): SqlColumn[] => parts.flatMap((p) => (p.type === 'column' ? [p.column] : []));
  const find = (name: string, step: string): SqlColumn => {
    const column = rawColumns().find((c) => c.name === name);
    if (!column) {
      const names = rawColumns().map((c) => c.name);
      throw new MlError(`${step}: column "${name}" not found; columns at this step: ${names.join(', ') || '(none left)'}`);
    }
    return column;
  };
  const choose = (listed: readonly string[] | undefined, kinds: readonly ColumnKind[], step: string): SqlColumn[] => {
    if (listed === undefined) return rawColumns().filter((c) => kinds.includes(c.kind));
    return listed.map((name) => {
      const column = find(name, step);
      if (!kinds.includes(column.kind)) throw new MlError(`${step}: column "${name}" is ${column.kind}, but this step handles ${kinds.join(' or ')} columns`);
      return column;
    });
  };
  const replace = (name: string, next: SqlPart | null): void => {
    const index = parts.findIndex((p) => p.type === 'column' && p.column.name === name);
    if (index < 0) return;
    parts = next ? [...parts.slice(0, index), next, ...parts.slice(index + 1)] : [...parts.slice(0, index), ...parts.slice(index + 1)];
  };
  /** Exact quantiles hold each column's values while they are computed: as many columns per query as the budget allows. */
  const quantiles = async (targets: readonly SqlColumn[], qs: readonly number[]): Promise<number[][]> => {
    const perQuery = Math.max(1, Math.floor(options.quantileBytes / Math.max(1, options.rows * 8)));
    const out: number[][] = [];
    for (let start = 0; start < targets.length; start += perQuery) {
      const group = targets.slice(start, start + perQuery);
      const row = await aggregate(group.map((c) => `quantile_cont(${c.sql}, [${qs.join(', ')}])`).join(', '), where());
      for (const value of row) out.push(((value as (number | null)[] | null) ?? []).map((v) => (v === null ? NaN : Number(v))));
    }
    return out;
  };

  for (const [index, element] of steps.entries()) {
    const name = Object.keys(element)[0] as string;
    const stepOptions = (element[name] ?? {}) as Record<string, unknown>;
    const label = `prepare step ${index + 1} (${name})`;
    if (!(STREAMED_STEPS as readonly string[]).includes(name)) throw needsAllRows(`${label}`, options.budget);
    const step = createStep(name, stepOptions);
    let state: unknown;
    try {
      if (step instanceof DropStep) {
        for (const column of step.columns) find(column, 'drop');
        for (const column of step.columns) replace(column, null);
        state = [...step.columns];
      } else if (step instanceof DropMissingStep) {
        const looked = step.columns ? step.columns.map((c) => find(c, 'dropMissing')) : rawColumns();
        if (step.axis === 'rows') {
          if (looked.length > 0) {
            const missing = looked.map((c) => `(CASE WHEN ${isMissing(c.sql)} THEN 1 ELSE 0 END)`).join(' + ');
            const condition = `((${missing})::DOUBLE / ${looked.length} <= ${step.threshold})`;
            const [before = 0, after = 0] = (await aggregate(`count(*), count(*) FILTER (WHERE ${condition})`, where())).map(Number);
            if (after === 0)
              throw new MlError(`dropMissing: every row has more than ${step.threshold * 100}% missing values; impute instead or raise threshold`);
            if (before > after) notes.push(`dropMissing: dropped ${before - after} row(s) with missing values`);
            keep.push(condition);
          }
          state = [];
        } else {
          const row =
            looked.length === 0 ? [] : await aggregate(['count(*)', ...looked.map((c) => `count(*) FILTER (WHERE ${isMissing(c.sql)})`)].join(', '), where());
          const n = Math.max(Number(row[0] ?? 0), 1);
          const dropped = looked.filter((_, i) => Number(row[i + 1]) / n > step.threshold).map((c) => c.name);
          for (const column of dropped) replace(column, null);
          if (dropped.length > 0) notes.push(`dropMissing: dropped column(s) ${dropped.join(', ')}`);
          state = dropped;
        }
      } else if (step instanceof ImputeStep) {
        state = await fitImpute(step, stepOptions, choose, aggregate, mostFrequent, where(), quantiles);
        for (const fill of state as { name: string; value: number | string }[]) {
          const column = find(fill.name, 'impute');
          const value = column.kind === 'numeric' ? sqlNumber(Number(fill.value)) : sqlString(String(fill.value));
          replace(fill.name, { type: 'column', column: { ...column, sql: `coalesce(${column.sql}, ${value})` } });
        }
      } else if (step instanceof ScaleStep) {
        const targets = choose(step.columns, ['numeric'], 'scale');
        state = await fitScale(step, targets, aggregate, where(), quantiles);
        for (const fitted of state as { name: string; center: number; scale: number }[]) {
          const column = find(fitted.name, 'scale');
          replace(fitted.name, { type: 'column', column: { ...column, sql: `((${column.sql}) - ${sqlNumber(fitted.center)}) / ${sqlNumber(fitted.scale)}` } });
        }
      } else if (step instanceof OneHotStep) {
        if (step.handleUnknown === 'error') throw needsAllRows('onehot with handle_unknown: error', options.budget);
        const kinds: readonly ColumnKind[] = step.columns ? ['categorical', 'text', 'numeric'] : ['categorical'];
        const targets = choose(step.columns, kinds, 'onehot');
        const fitted: { name: string; categories: string[] }[] = [];
        for (const column of targets) {
          const row = await aggregate(`list(DISTINCT ${column.sql}) FILTER (WHERE ${column.sql} IS NOT NULL)`, where());
          const values = ((row[0] as unknown[] | null) ?? []).map((v) => (column.kind === 'numeric' ? Number(v) : String(v)));
          const sorted = column.kind === 'numeric' ? (values as number[]).sort((a, b) => a - b).map(String) : (values as string[]).sort(compareCodePoints);
          fitted.push({ name: column.name, categories: sorted });
          const features = sorted.map((category) => ({
            name: `${column.name}_${category}`,
            sql: `(CASE WHEN (${column.sql}) = ${column.kind === 'numeric' ? sqlNumber(Number(category)) : sqlString(category)} THEN 1.0 ELSE 0.0 END)`,
          }));
          replace(column.name, { type: 'block', source: column.name, features });
        }
        state = fitted;
      }
    } catch (error) {
      if (error instanceof MlError && !error.message.startsWith('prepare step ') && !error.message.includes('needs all rows'))
        throw new MlError(`${label}: ${error.message.replace(new RegExp(`^${name}: `), '')}`);
      throw error;
    }
    saved.push({ step: name as StepName, options: stepOptions, state });
  }

  // As the in-memory pipeline's end: string columns nobody encoded are refused, missing values too unless the model takes them.
  for (const column of rawColumns()) {
    if (column.kind !== 'numeric') {
      throw new MlError(
        `prepare: column "${column.name}" is ${column.kind} text; encode it (\`onehot: { columns: [${column.name}] }\`) or \`drop: { columns: [${column.name}] }\``,
      );
    }
  }
  const features: SqlFeature[] = parts.flatMap((p) => (p.type === 'column' ? [{ name: p.column.name, sql: p.column.sql }] : p.features));
  if (features.length === 0) throw new MlError('prepare: no feature columns are left');
  const plain = rawColumns();
  if (plain.length > 0) {
    const checks = plain.flatMap((c) => [`count(*) FILTER (WHERE ${isMissing(c.sql)})`, `count(*) FILTER (WHERE isinf(${c.sql}))`]);
    const counts = (await aggregate(checks.join(', '), where())).map(Number);
    plain.forEach((column, i) => {
      const missing = counts[2 * i] ?? 0;
      const infinite = counts[2 * i + 1] ?? 0;
      if (missing > 0 && !options.allowMissing) {
        throw new MlError(
          `prepare: column "${column.name}" still has ${missing} missing value(s) in the training rows; add \`impute: { columns: [${column.name}] }\` (or \`dropMissing\`) to prepare`,
        );
      }
      if (infinite > 0)
        throw new MlError(`prepare: column "${column.name}" holds ${infinite} infinite value(s); add \`clip: { columns: [${column.name}] }\` or fix the data`);
    });
  }
  return {
    features,
    keep: keep.length === 0 ? 'true' : keep.join(' AND '),
    notes,
    pipeline: {
      type: 'pipeline',
      inputs: columns.map((c) => ({ name: c.name, kind: c.kind })),
      featureNames: features.map((f) => f.name),
      steps: saved,
      ...(options.allowMissing ? { allowMissing: true as const } : {}),
    },
  };
}

type Quantiles = (targets: readonly SqlColumn[], qs: readonly number[]) => Promise<number[][]>;

async function fitImpute(
  step: ImputeStep,
  options: Record<string, unknown>,
  choose: (listed: readonly string[] | undefined, kinds: readonly ColumnKind[], step: string) => SqlColumn[],
  aggregate: Aggregate,
  mostFrequent: MostFrequent,
  where: string,
  quantiles: Quantiles,
): Promise<{ name: string; value: number | string }[]> {
  const kinds: Record<string, readonly ColumnKind[]> = {
    mean: ['numeric'],
    median: ['numeric'],
    most_frequent: ['numeric', 'categorical'],
    constant: ['numeric', 'categorical', 'text'],
  };
  const targets = choose(step.columns, kinds[step.strategy] ?? ['numeric'], 'impute');
  const fill = options.fill_value;
  if (step.strategy === 'constant') {
    return targets.map((c) => {
      if (c.kind === 'numeric') {
        if (fill !== undefined && typeof fill !== 'number')
          throw new MlError(`impute: column "${c.name}" is numeric but fill_value is ${JSON.stringify(fill)}`);
        return { name: c.name, value: fill ?? 0 };
      }
      return { name: c.name, value: fill === undefined ? 'missing_value' : String(fill) };
    });
  }
  let values: (number | string | null)[];
  if (step.strategy === 'mean') {
    values = (await aggregate(targets.map((c) => `avg(${c.sql})`).join(', '), where)).map((v) => (v === null ? null : Number(v)));
  } else if (step.strategy === 'median') {
    values = (await quantiles(targets, [0.5])).map((q) => (q[0] === undefined || Number.isNaN(q[0]) ? null : q[0]));
  } else {
    values = [];
    for (const c of targets) {
      // The most frequent value, the smallest among ties (SimpleImputer's rule; DuckDB compares text by code point).
      const value = await mostFrequent(c.sql, where);
      values.push(value === null || value === undefined ? null : c.kind === 'numeric' ? Number(value) : String(value));
    }
  }
  return targets.map((c, i) => {
    const value = values[i];
    if (value === null || value === undefined)
      throw new MlError(`impute: column "${c.name}" has no values in the training rows to compute a ${step.strategy} from`);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new MlError(
        `impute: column "${c.name}" holds infinite value(s), which make its ${step.strategy} ${value} and which impute does not replace; add \`clip: { columns: [${c.name}] }\` before impute, or fix the data`,
      );
    }
    return { name: c.name, value };
  });
}

async function fitScale(
  step: ScaleStep,
  targets: readonly SqlColumn[],
  aggregate: Aggregate,
  where: string,
  quantiles: Quantiles,
): Promise<{ name: string; center: number; scale: number }[]> {
  if (targets.length === 0) return [];
  const counts = (await aggregate(targets.flatMap((c) => [`count(${c.sql})`, `count(*) FILTER (WHERE isinf(${c.sql}))`]).join(', '), where)).map(Number);
  targets.forEach((c, i) => {
    if ((counts[2 * i + 1] ?? 0) > 0) {
      throw new MlError(
        `scale: column "${c.name}" holds ${counts[2 * i + 1]} infinite value(s), which impute does not replace; add \`clip: { columns: [${c.name}] }\` before scale, or fix the data`,
      );
    }
    if ((counts[2 * i] ?? 0) === 0) throw new MlError(`scale: column "${c.name}" has no values in the training rows`);
  });
  if (step.method === 'robust') {
    const qs = await quantiles(targets, [0.25, 0.5, 0.75]);
    return targets.map((c, i) => {
      const [q1 = NaN, median = NaN, q3 = NaN] = qs[i] ?? [];
      return { name: c.name, center: median, scale: safeScale(q3 - q1) };
    });
  }
  const select =
    step.method === 'standard' ? targets.flatMap((c) => [`avg(${c.sql})`, `var_pop(${c.sql})`]) : targets.flatMap((c) => [`min(${c.sql})`, `max(${c.sql})`]);
  const row = (await aggregate(select.join(', '), where)).map(Number);
  return targets.map((c, i) => {
    const a = row[2 * i] as number;
    const b = row[2 * i + 1] as number;
    return step.method === 'standard'
      ? { name: c.name, center: a, scale: safeScale(Math.sqrt(Math.max(0, b))) }
      : { name: c.name, center: a, scale: safeScale(b - a) };
  });
}
