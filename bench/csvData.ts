/** For the file-based benchmarks: generated CSV files, and a child process measured from outside. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Random } from '../src/core/random';

/** Runs argv, then prints {"wall": s, "cpu": s, "rssMb": peak RSS of the child, "stdout": its output}. */
const MEASURE = `
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr.decode()[-4000:])
    sys.exit(done.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rssMb": usage.ru_maxrss / 1024, "stdout": done.stdout.decode()}))
`;

export interface Measured {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly stdout: string;
}

/** Runs argv in its own process under Python's resource accounting: wall and CPU seconds, peak RSS, stdout. */
export function measure(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measured {
  const run = spawnSync('/usr/bin/python3', ['-c', MEASURE, ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Measured;
}

/**
 * Writes `rows` × `features` standard normals (6 decimals, columns f0…) and a binary target `y` drawn from a logistic
 * model of them (seed 7): the data of bench/endtoend.ts.
 */
export function writeLogisticCsv(file: string, rows: number, features: number): void {
  const random = new Random(7);
  const weights = Array.from({ length: features }, (_, j) => (j < 10 ? random.normal() : 0.1 * random.normal()));
  const x = new Float64Array(features);
  writeCsvLines(file, `${Array.from({ length: features }, (_, j) => `f${j}`).join(',')},y`, rows, () => {
    let score = 0;
    for (let j = 0; j < features; j++) {
      x[j] = Math.round(random.normal() * 1e6) / 1e6;
      score += (weights[j] as number) * (x[j] as number);
    }
    const label = random.next() < 1 / (1 + Math.exp(-2 * score)) ? 1 : 0;
    return `${Array.from(x, (v) => v.toFixed(6)).join(',')},${label}`;
  });
}

/** Writes a CSV file: the header line, then `lineOf()` called once per row, in batches of 10,000 lines. */
export function writeCsvLines(file: string, header: string, rows: number, lineOf: () => string): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `${header}\n`);
    let lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      lines.push(lineOf());
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
