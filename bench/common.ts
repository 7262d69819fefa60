/** What several benchmarks share: reading `--name value` options and the generated three-class data. */
import { Random } from '../src/core/random';
import type { DenseMatrix } from '../src/core/types';

/** The number after `--name` on the command line, or `fallback`. */
export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/**
 * `rows` × `cols` standard normals; three noisy linear scores of the first 10 features, the class
 * (`class_0..2`) is the largest and `values` the first score (a regression target).
 */
export function threeClassData(rows: number, cols: number, seed: number): { X: DenseMatrix; labels: string[]; values: Float64Array } {
  const random = new Random(seed);
  const informative = Math.min(10, cols);
  const weights = Array.from({ length: 3 * informative }, () => random.normal());
  const data = new Float64Array(rows * cols);
  const labels: string[] = [];
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = random.normal();
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < 3; k++) {
      let score = random.normal();
      for (let j = 0; j < informative; j++) score += (weights[k * informative + j] as number) * (data[i * cols + j] as number);
      if (k === 0) values[i] = score;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    labels.push(`class_${best}`);
  }
  return { X: { kind: 'dense', rows, cols, data }, labels, values };
}
