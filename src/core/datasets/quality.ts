/** The data-quality summary of a profile, with one readable finding per problem. */
import type { ColumnProfile, DataQuality } from './types';

const percent = (ratio: number): string => `${(ratio * 100).toFixed(ratio < 0.001 && ratio > 0 ? 2 : 1)}%`;
const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** A string column whose values are nearly all different (an id, a name, free text): useless as a category. */
export function isHighCardinality(column: ColumnProfile): boolean {
  return (column.type === 'categorical' || column.type === 'text') && column.count >= 10 && column.distinct >= 0.9 * column.count;
}

/** Summarises missing cells, duplicates, unparsable values, constant and high-cardinality columns. */
export function buildQuality(fileName: string, rowCount: number, columns: readonly ColumnProfile[], duplicateRows: number): DataQuality {
  const cells = rowCount * columns.length;
  const missingCells = columns.reduce((sum, column) => sum + column.missing, 0);
  const invalidValues = columns.reduce((sum, column) => sum + column.invalidCount, 0);
  const constantColumns = rowCount > 1 ? columns.filter((column) => column.distinct <= 1).map((column) => column.name) : [];
  const highCardinalityColumns = columns.filter(isHighCardinality).map((column) => column.name);
  const findings: string[] = [];
  if (missingCells > 0) findings.push(`${plural(missingCells, 'missing cell')} (${percent(missingCells / cells)} of ${fileName})`);
  if (duplicateRows > 0) findings.push(`${plural(duplicateRows, 'duplicate row')}`);
  for (const column of columns) {
    if (column.invalidCount === 0) continue;
    const examples = column.invalidExamples.map((example) => `"${example.value}" (row ${example.row})`).join(', ');
    findings.push(`${column.name}: ${plural(column.invalidCount, 'value')} not parsing as ${column.type}, e.g. ${examples}`);
  }
  for (const name of constantColumns) findings.push(`${name}: constant column`);
  for (const name of highCardinalityColumns) {
    const column = columns.find((c) => c.name === name);
    findings.push(`${name}: high cardinality (${column?.distinct ?? 0} distinct of ${column?.count ?? 0} values)`);
  }
  return {
    missingCells,
    missingCellRatio: cells === 0 ? 0 : missingCells / cells,
    duplicateRows,
    invalidValues,
    constantColumns,
    highCardinalityColumns,
    findings,
  };
}
