/** Shapes of the dataset engine's results: schema, head, profile, pages. All plain data, safe to post between threads. */

export type DatasetFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

/** The kind a column's values are read as; `categorical` and `text` are both strings, told apart by cardinality. */
export type ColumnType = 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'categorical' | 'text';

/** Identity of a file's content for caches: a change of size or mtime invalidates every cached result. */
export interface FileKey {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ColumnSchema {
  readonly name: string;
  /** The type the column is read as; for csv/tsv inferred from the head of the file. */
  readonly type: ColumnType;
}

export interface DatasetSchema {
  readonly path: string;
  readonly format: DatasetFormat;
  readonly size: number;
  readonly columns: readonly ColumnSchema[];
  /** Things the reader fixed up on its own (BOM, Latin-1, duplicate names), each naming the file. */
  readonly warnings: readonly string[];
}

/** The first rows of a file, every cell as display text (null when missing). */
export interface DatasetHead {
  readonly schema: DatasetSchema;
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

/** A value that does not parse as its column's type, with its 1-based data row. */
export interface InvalidValue {
  readonly row: number;
  readonly value: string;
}

export interface NumericSummary {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1), as pandas and scipy report it. */
  readonly std: number | null;
  /** Quartiles interpolate linearly as pandas does; exact up to 50 MB files, t-digest estimates above. */
  readonly q25: number;
  /** Set when q25/median/q75 are t-digest estimates (files over 50 MB) rather than exact. */
  readonly quartilesEstimated?: boolean;
  readonly median: number;
  readonly q75: number;
  readonly histogram: readonly HistogramBin[];
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: ColumnType;
  /** Cells that are present (not missing). */
  readonly count: number;
  readonly missing: number;
  /** Share of rows that are missing, 0..1. */
  readonly missingRatio: number;
  /** Distinct present values, compared as written in the file (counted by 64-bit hash or by grouping). */
  readonly distinct: number;
  /**
   * Set when `distinct` is a HyperLogLog estimate (DuckDB's; 6 % low on a 1.7 M-distinct column): numeric columns with many
   * distinct values in files over 50 MB. String, date and boolean columns, and every column of smaller files, are exact.
   */
  readonly distinctEstimated?: boolean;
  /** Present for integer and float columns that have at least one valid value. */
  readonly numeric?: NumericSummary;
  /** Earliest and latest value of date and datetime columns. */
  readonly range?: { readonly min: string; readonly max: string };
  /** Most frequent values (up to 10) of categorical, text and boolean columns. */
  readonly topValues?: readonly ValueCount[];
  /** Present values that do not parse as `type`. */
  readonly invalidCount: number;
  readonly invalidExamples: readonly InvalidValue[];
}

export interface DataQuality {
  readonly missingCells: number;
  readonly missingCellRatio: number;
  readonly duplicateRows: number;
  readonly invalidValues: number;
  readonly constantColumns: readonly string[];
  readonly highCardinalityColumns: readonly string[];
  /** One line per finding, ready to show. */
  readonly findings: readonly string[];
}

export interface DatasetProfile {
  readonly schema: DatasetSchema;
  readonly rowCount: number;
  readonly columns: readonly ColumnProfile[];
  readonly quality: DataQuality;
  readonly elapsedMs: number;
}

export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  readonly column: string;
  readonly direction: SortDirection;
}

/** Per-column filter text: `>5`, `<=2.5`, `=x` compare; anything else matches case-insensitively as a substring. */
export type FilterSpec = Readonly<Record<string, string>>;

export interface RowPage {
  readonly columns: readonly string[];
  /** Matching rows (after the filter), the total the pager scrolls through. */
  readonly total: number;
  readonly offset: number;
  /** 1-based data row of each returned row in the file. */
  readonly rowNumbers: readonly number[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Tukey's box of a numeric feature within one class: quartiles by linear interpolation, whiskers at the furthest values within 1.5 IQR. */
export interface BoxSummary {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly lowerWhisker: number;
  readonly upperWhisker: number;
}

/** Rows whose missing columns are exactly `missing` (an empty list: complete rows). */
export interface MissingPattern {
  readonly missing: readonly string[];
  readonly count: number;
}

/** A numeric feature against the target: a box per class (classification; null for a class without values) or the target's mean per bin (regression). */
export interface NumericVsTarget {
  readonly column: string;
  readonly boxes?: readonly (BoxSummary | null)[];
  readonly bins?: readonly { readonly from: number; readonly to: number; readonly count: number; readonly mean: number | null }[];
}

/** A categorical feature against the target: per category (most frequent first) the share of each class, or the target's mean. */
export interface CategoricalVsTarget {
  readonly column: string;
  readonly categories: readonly { readonly value: string; readonly count: number; readonly shares?: readonly number[]; readonly mean?: number | null }[];
  readonly categoriesLeftOut: number;
}

export interface TargetExploration {
  readonly kind: 'classification' | 'regression';
  readonly column: string;
  /** Classification: the classes broken down by (most frequent first), in the order of `boxes` and `shares`. */
  readonly classes?: readonly ValueCount[];
  readonly classesLeftOut?: number;
  readonly numeric: readonly NumericVsTarget[];
  readonly categorical: readonly CategoricalVsTarget[];
  /** Feature columns not compared (text, dates, or past the limit). */
  readonly skipped: number;
}

/** The profile's exploration: correlations, missingness patterns and features against a target. */
export interface DatasetExploration {
  readonly rowCount: number;
  /** Pearson's r over pairwise complete rows (pandas' DataFrame.corr()); null where undefined (a constant column). */
  readonly correlations: { readonly columns: readonly string[]; readonly matrix: readonly (readonly (number | null)[])[]; readonly leftOut: number };
  readonly missing: {
    /** Columns with at least one missing value, with their count. */
    readonly columns: readonly { readonly name: string; readonly missing: number }[];
    readonly patterns: readonly MissingPattern[];
    /** Distinct patterns in all (the list keeps the most frequent). */
    readonly patternCount: number;
  };
  readonly target?: TargetExploration;
  readonly elapsedMs: number;
}
