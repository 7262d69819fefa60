/** Feature rows of a numeric CSV file whose last column is the target (no quotes): every other column's values as numbers. */
import { readFileSync } from 'node:fs';

export function featureRows(file: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',').slice(0, -1);
  return lines.map((line) =>
    Object.fromEntries(
      line
        .split(',')
        .slice(0, -1)
        .map((value, j) => [columns[j] as string, Number(value)]),
    ),
  );
}
