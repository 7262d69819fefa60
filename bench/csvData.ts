/** Generated CSV files for the file-based benchmarks. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Random } from '../src/core/random';

/**
 * Writes `rows` × `features` standard normals (6 decimals, columns f0…) and a binary target `y` drawn from a logistic
 * model of them (seed 7): the data of bench/endtoend.ts.
 */
export function writeLogisticCsv(file: string, rows: number, features: number): void {
  const random = new Random(7);
  const weights = Array.from({ length: features }, (_, j) => (j < 10 ? random.normal() : 0.1 * random.normal()));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `${Array.from({ length: features }, (_, j) => `f${j}`).join(',')},y\n`);
    const x = new Float64Array(features);
    let lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      let score = 0;
      for (let j = 0; j < features; j++) {
        x[j] = Math.round(random.normal() * 1e6) / 1e6;
        score += (weights[j] as number) * (x[j] as number);
      }
      const label = random.next() < 1 / (1 + Math.exp(-2 * score)) ? 1 : 0;
      lines.push(`${Array.from(x, (v) => v.toFixed(6)).join(',')},${label}`);
      if (lines.length === 10_000) {
        writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}
