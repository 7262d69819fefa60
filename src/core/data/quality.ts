/**
 * What a training run says about its data before it trains, so that values the reader could not
 * take as numbers do not train silently: missing values in numeric columns (blank, or a marker such
 * as n/a, NA, NaN, which the reader reads as missing), and a column of numbers read as text because
 * a few cells are not numbers (such as "?").
 */
import { categoryCounts, dictionaryOf, stringReader, type Table } from './table';

/** A column read as text is called numeric-looking when at least this share of its values are numbers. */
const NUMERIC_SHARE = 0.9;
/** Most example values named in a warning. */
const EXAMPLES = 3;

const isNumber = (value: string): boolean => value.trim() !== '' && Number.isFinite(Number(value));

/** One warning per column whose values will not train as they look; the target is left to its own checks. */
export function dataQualityWarnings(table: Table, target: string): string[] {
  const warnings: string[] = [];
  for (const column of table.columns) {
    if (column.name === target) continue;
    if (column.kind === 'numeric') {
      let missing = 0;
      const values = column.values;
      for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) missing++;
      if (missing > 0) {
        warnings.push(
          `column "${column.name}": ${missing} of ${column.values.length} values are missing (blank, or not a number, such as n/a, NA or ?); they train as missing values, which an impute step fills and most models refuse without one`,
        );
      }
      continue;
    }
    let present = 0;
    let notNumbers = 0;
    const examples: string[] = [];
    const tally = (value: string, count: number): void => {
      present += count;
      if (count === 0 || isNumber(value)) return;
      notNumbers += count;
      if (examples.length < EXAMPLES && !examples.includes(JSON.stringify(value))) examples.push(JSON.stringify(value));
    };
    if (column.kind === 'text') {
      // Free text row by row: its dictionary would be a string per row.
      const read = stringReader(column);
      for (let i = 0; i + 1 < column.offsets.length; i++) {
        const value = read(i);
        if (value !== null) tally(value, 1);
      }
    } else {
      // Counted on the codes: each category is tested once.
      const counts = categoryCounts(column);
      dictionaryOf(column).categories.forEach((value, k) => tally(value, counts[k] as number));
    }
    if (present === 0) continue;
    if (notNumbers === 0 || notNumbers > present * (1 - NUMERIC_SHARE)) continue;
    warnings.push(
      `column "${column.name}" is read as text, not numbers, because ${notNumbers} of ${present} values are not numbers (${examples.join(', ')}); it trains as a category. Fix those cells, or leave them empty to make them missing values`,
    );
  }
  return warnings;
}
