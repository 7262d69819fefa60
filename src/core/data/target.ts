/** Target column handling: split it from the features, infer the task, and extract its values. */
import { MlError, Target, Task } from '../types';
import { Column, dictionaryOf, missingAt, stringAt, Table, takeColumnRows } from './table';

/** Separates the target column from the feature columns. */
export function splitTarget(table: Table, targetName: string): { features: Table; target: Column } {
  const target = table.columns.find((c) => c.name === targetName);
  if (!target) {
    const known = table.columns.map((c) => c.name).join(', ');
    throw new MlError(`target column "${targetName}" not found; the table has: ${known}`);
  }
  const features: Table = { rowCount: table.rowCount, columns: table.columns.filter((c) => c !== target) };
  if (features.columns.length === 0) throw new MlError(`the table has no feature columns besides the target "${targetName}"`);
  return { features, target };
}

/** The table without the rows whose target is missing, how many those were, and (when any) the indexes of the rows kept. */
export function withoutMissingTarget(table: Table, targetName: string): { table: Table; left: number; kept?: readonly number[] } {
  const target = table.columns.find((c) => c.name === targetName);
  if (!target) return { table, left: 0 };
  const kept: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (!missingAt(target, i)) kept.push(i);
  if (kept.length === table.rowCount) return { table, left: 0 };
  if (kept.length === 0) throw new MlError(`target "${targetName}" is missing in every row`);
  const columns = table.columns.map((c) => takeColumnRows(c, kept));
  return { table: { rowCount: kept.length, columns }, left: table.rowCount - kept.length, kept };
}

/** Most distinct integer values a numeric target may have and still be read as class labels. */
const MAX_CLASSES = 20;
/** ...and at most this share of the rows, so a count-like regression target is not mistaken for classes. */
const MAX_CLASS_SHARE = 0.05;

/** Classification for string targets or a few distinct integers, else regression; `reason` says which rule fired. */
export function inferTask(target: Column): { task: Task; reason: string } {
  if (target.kind !== 'numeric') {
    return { task: 'classification', reason: `target "${target.name}" holds strings (${target.kind})` };
  }
  const distinct = new Set<number>();
  let present = 0;
  let allIntegers = true;
  for (const v of target.values) {
    if (Number.isNaN(v)) continue;
    present++;
    distinct.add(v);
    if (!Number.isInteger(v)) allIntegers = false;
  }
  if (present === 0) throw new MlError(`target "${target.name}" has no values`);
  if (!allIntegers) {
    return { task: 'regression', reason: `target "${target.name}" holds non-integer numbers` };
  }
  if (distinct.size <= 2) {
    return { task: 'classification', reason: `target "${target.name}" holds ${distinct.size} distinct integer values (binary labels)` };
  }
  const limit = Math.min(MAX_CLASSES, MAX_CLASS_SHARE * present);
  const rule = `at most ${MAX_CLASSES} and at most ${MAX_CLASS_SHARE * 100}% of ${present} rows`;
  if (distinct.size <= limit) {
    return { task: 'classification', reason: `target "${target.name}" holds ${distinct.size} distinct integer values (${rule})` };
  }
  return { task: 'regression', reason: `target "${target.name}" holds ${distinct.size} distinct integer values (not ${rule})` };
}

/** Labels (classification) or numbers (regression) of the target; missing values are an error naming the row. */
export function targetValues(target: Column, task: Task): Target {
  const where = `target "${target.name}"`;
  const missing = (i: number): MlError =>
    new MlError(
      `${where} is missing at row ${i + 1}; add \`dropMissing: { columns: [${target.name}] }\` to prepare to leave out the rows without a target (or fill them in the data)`,
    );
  if (target.kind === 'numeric') {
    const values = target.values;
    if (task === 'classification') {
      // A run of equal values shares one string (String() once per change, not per row).
      const labels = new Array<string>(values.length);
      let last = Number.NaN;
      let text = '';
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (v !== last) {
          if (Number.isNaN(v)) throw missing(i);
          last = v;
          text = String(v);
        }
        labels[i] = text;
      }
      return labels;
    }
    return Float64Array.from(values, (v, i) => {
      if (!Number.isFinite(v)) throw missing(i);
      return v;
    });
  }
  // From the codes: a label per row is the dictionary's string (shared, not copied); a number is parsed once per category.
  const { codes, categories } = dictionaryOf(target);
  if (task === 'classification') {
    const labels = new Array<string>(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as number;
      if (code < 0) throw missing(i);
      labels[i] = categories[code] as string;
    }
    return labels;
  }
  const parsed = categories.map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < 0) throw missing(i);
    const value = parsed[code] as number;
    if (!Number.isFinite(value)) {
      throw new MlError(`${where} has a non-numeric value "${stringAt(target, i)}" at row ${i + 1}, but the task is regression`);
    }
    out[i] = value;
  }
  return out;
}

/**
 * Class indices of `labels` in a fitted classifier's `classes`, for an online update: a label the
 * model was not fitted with is an MlError naming every such label (an update cannot add classes).
 */
export function knownClassCodes(model: string, classes: readonly string[], labels: readonly string[]): Int32Array {
  const index = new Map(classes.map((c, k) => [c, k]));
  const unknown = [...new Set(labels.filter((label) => !index.has(label)))];
  if (unknown.length > 0) {
    const names = unknown.map((l) => JSON.stringify(l)).join(', ');
    throw new MlError(
      `${model}: partialFit got label${unknown.length > 1 ? 's' : ''} ${names} the model was not fitted with (classes: ${classes.join(', ')}); an update cannot add classes, retrain instead`,
    );
  }
  return Int32Array.from(labels, (label) => index.get(label) as number);
}
